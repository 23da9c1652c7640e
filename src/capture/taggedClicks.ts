import type { Capture } from '../types';
import { linkSelector } from '../lib/linkSelector';
import { on } from '../lib/on';
import { touchpointAttributes } from '../lib/touchpointAttributes';

/** Options of `taggedClicks`. */
export interface TaggedClicksOptions {
  /**
   * Also record clicks on links that carry `data-touchpoint` themselves. Leave it off with `linkClicks`, which
   * records those (its `Link Clicked` takes the link's `data-touchpoint*` attributes, name and stage included, and
   * adds `href` and `linkType`); turn it on when `linkClicks` does not run.
   * @default false
   */
  links?: boolean;
  /**
   * Also record a click on the submit button of a form that carries `data-touchpoint` itself (Enter in a field
   * clicks that button too); other clicks in the form are the visitor filling it in. Leave it off with `forms`, which
   * records a tagged form's submit (its `Form Submitted` takes the form's `data-touchpoint*` attributes); turn it on
   * when `forms` does not run, knowing that the click is then what counts, even one the form's validation stops.
   * @default false
   */
  forms?: boolean;
}

/**
 * Captures clicks on elements a marketer tagged in markup: a click on an element with `data-touchpoint="Name"`, or
 * on anything inside one, is a touchpoint of that name (`touchpointKind: 'tagged'`), with the element's
 * `data-touchpoint*` attributes as properties: `data-touchpoint-stage` its stage, `data-touchpoint-moment-of-truth`
 * a moment of truth, any other `data-touchpoint-x` a property `x`. The nearest tagged element names the click.
 *
 * Skipped: clicks in or under `data-touchpoint-ignore`, a bare `data-touchpoint` (it marks, but does not name), a
 * tagged link (`<a href>`, an SVG `<a xlink:href>`, `<area href>`) unless `links` is on, because `linkClicks` records
 * it, and clicks in a tagged `<form>`: a click in a form is not its submit (the field a visitor clicks into, a button
 * of an invalid form), and `forms` records the submit, once, even one the page cancels. A link inside a tagged
 * element is two things the visitor did at once, and gives two touchpoints: the tagged element's, and `linkClicks`'s
 * `Link Clicked` for where the link leads; so is a tagged button inside a tagged form. A click on a `<label>` is
 * one touchpoint: the click the browser then gives the label's control is not another.
 */
export const taggedClicks =
  ({ links = false, forms = false }: TaggedClicksOptions = {}): Capture =>
  (emit, fail) => {
    // The control that a counted click on its <label> clicks in turn (the label's activation behaviour, in the same
    // task, after the label's click): the visitor clicked once.
    let control: unknown;
    // On window in the capture phase: the first to see the click, before any handler of the page can stop it.
    return on(
      window,
      'click',
      (event: MouseEvent) => {
        // composedPath, unlike target, reaches into open shadow roots.
        const path = event.composedPath() as any[];
        const tagged: Element = path.find((node) => node.getAttribute?.('data-touchpoint'));
        if (
          !tagged ||
          event.target == control ||
          path.some((node) => node.hasAttribute?.('data-touchpoint-ignore')) ||
          (!links && tagged.matches(linkSelector)) ||
          // In a tagged form, only a click on a submit button (or Enter in a field, which clicks it) is the submit.
          (tagged.matches('form') && !(forms && path.some((node) => /^(submit|image)$/.test(node.type) && node.form == tagged)))
        )
          return;
        const label = path.find((node) => node.control);
        // A label whose control was clicked, or is the thing clicked in it, clicks nothing more.
        if (label && !path.includes(label.control)) (control = label.control), setTimeout(() => (control = 0));
        const properties = touchpointAttributes(tagged);
        emit(
          properties.touchpoint as string,
          { ...properties, touchpointKind: 'tagged' },
          {
            stage: properties.stage as string | undefined,
            // Absent says nothing (a rule may still decide); "false" says no.
            momentOfTruth: properties.momentOfTruth === true ? true : properties.momentOfTruth === 'false' ? false : undefined,
            element: tagged,
          },
        );
      },
      fail,
      true,
    );
  };
