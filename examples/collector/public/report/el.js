/**
 * An HTML element with attributes and children. Strings become text nodes, never markup: every touchpoint name
 * on this page came from some visitor's page, and may hold markup meant to run here.
 */
export const el = (name, attributes = {}, ...children) => {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((child) => child !== undefined && child !== null && child !== false));
  return node;
};
