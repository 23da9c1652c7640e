// A path that does not decode (a stray %, which some servers accept) is compared as it is.
const decode = (text: string) => {
  try {
    // decodeURI, not decodeURIComponent: %2F stays encoded, so an encoded slash never becomes a segment's end.
    return decodeURI(text);
  } catch {
    return text;
  }
};

/**
 * Whether a URL path matches a rule's pattern: a path (a trailing slash is optional, on either) or a glob where `*`
 * is any run of characters, as checkoutSteps reads its `url`s, so that one rules file means the same thing everywhere.
 * Both are compared decoded: the browser's path is percent-encoded (`/produits/%C3%A9t%C3%A9`), and a pattern is
 * written as the address bar shows it (`/produits/été`, `/summer sale`), or sometimes encoded.
 */
export const matchPath = (pattern: string, path: string): boolean =>
  RegExp('^' + decode(pattern).replace(/\/$/, '').replace(/\W/g, (c) => (c == '*' ? '.' : '\\') + c) + '/?$').test(decode(path));
