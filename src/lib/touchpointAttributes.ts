import type { Properties } from '../types';

/**
 * The element's own `data-touchpoint*` attributes as touchpoint properties, so markup can name, stage and
 * describe a touchpoint without code. The prefix goes and the rest is camel-cased, as `dataset` does, so the
 * attributes land on the wire fields that processors read: `data-touchpoint="Pricing CTA"` → `touchpoint` (the
 * touchpoint's name), `data-touchpoint-stage` → `stage`, `data-touchpoint-moment-of-truth` → `momentOfTruth`,
 * `data-touchpoint-plan="pro"` → `plan`. A bare attribute or `"true"` is `true`; any other value stays a string.
 * `data-touchpoint-ignore` is a switch for the captures, never a property.
 */
export const touchpointAttributes = (element: Element): Properties => {
  const properties: Properties = {};
  // SVG elements have a dataset too; for...in over a MathML element's missing one is no error.
  const data = (element as HTMLElement).dataset;
  for (const key in data) {
    const value = data[key]!;
    // data-touchpoint-plan → plan; data-touchpointer (touchpointer) is not ours, and stays as it is.
    const name = key.replace(/^touchpoint([A-Z])/, (_, first: string) => first.toLowerCase());
    // A bare data-touchpoint marks, but does not name, a touchpoint.
    if (name != key ? name != 'ignore' : key == 'touchpoint' && value) properties[name] = value == 'true' || value || true;
  }
  return properties;
};
