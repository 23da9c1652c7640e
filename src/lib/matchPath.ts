/**
 * Whether a URL path matches a rule's pattern: a path (a trailing slash is optional) or a glob where `*` is any run
 * of characters, as checkoutSteps reads its `url`s, so that one rules file means the same thing everywhere.
 */
export const matchPath = (pattern: string, path: string): boolean =>
  RegExp('^' + pattern.replace(/\W/g, (c) => (c == '*' ? '.' : '\\') + c) + '/?$').test(path);
