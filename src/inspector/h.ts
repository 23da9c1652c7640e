/**
 * Makes one of the inspector's elements. Text is set as text, never parsed as HTML: names, stages and whole
 * touchpoints come from the page and are untrusted. No style attribute either (a strict CSP blocks those): looks
 * come from the inspector's stylesheet, positions from CSSOM.
 */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  children: (Node | string)[] = [],
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  if (className) element.className = className;
  for (const name in attributes) element.setAttribute(name, attributes[name]!);
  element.append(...children);
  return element;
};
