/**
 * A client-side router on the History API, the way SPA routers work: a click on a link to one of the app's
 * own paths is cancelled and becomes `history.pushState` plus a render; back and forward render again. touchtrail's
 * pageViews() sees each pushState and popstate as a page view, with no call from the app.
 *
 * @param {string} base The app's path prefix, e.g. '/spa/'.
 * @param {(path: string) => void} render Draws the page for a path.
 */
export const createRouter = (base, render) => {
  const go = (path) => {
    if (path !== location.pathname + location.search) history.pushState(null, '', path);
    render(location.pathname);
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    // Modified clicks (new tab, download), other targets and other sites are the browser's to handle.
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.target || link.hasAttribute('download') || link.origin !== location.origin || !link.pathname.startsWith(base)) return;
    event.preventDefault();
    go(link.pathname + link.search);
  });
  addEventListener('popstate', () => render(location.pathname));
  render(location.pathname);
  return { go };
};
