import type { PageContext } from '../types';

/** The current page, as `context.page`; `referrer` is given for SPA route changes, else `document.referrer`. */
export const pageContext = (referrer = document.referrer): PageContext => ({
  url: location.href,
  path: location.pathname,
  title: document.title,
  referrer,
  search: location.search,
});
