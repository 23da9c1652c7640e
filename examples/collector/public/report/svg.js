const NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element with attributes and children; strings become text nodes. Charts are drawn with attributes and
 * CSS classes only: the page's Content-Security-Policy allows no inline style.
 */
export const svg = (name, attributes = {}, ...children) => {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(key, String(value));
  }
  node.append(...children.flat(Infinity).filter((child) => child !== undefined && child !== null && child !== false));
  return node;
};
