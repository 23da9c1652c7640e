/**
 * The `utm_*` parameters of a URL's query, in the Segment Spec's names (`utm_campaign` becomes `name`),
 * or undefined when there are none.
 */
export const campaign = (search: string): Record<string, string> | undefined => {
  let found: Record<string, string> | undefined;
  new URLSearchParams(search).forEach((value, key) => {
    if (key.startsWith('utm_') && value) (found ||= {})[key === 'utm_campaign' ? 'name' : key.slice(4)] = value;
  });
  return found;
};
