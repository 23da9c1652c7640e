import type { Capture } from '../types';
import { linkSelector } from '../lib/linkSelector';
import { on } from '../lib/on';
import { touchpointAttributes } from '../lib/touchpointAttributes';
import { cut } from '../lib/cut';

/** What a link leads to, in the order it is decided: the first that fits wins. */
export type LinkType = 'mailto' | 'tel' | 'download' | 'share' | 'internal' | 'outbound';

/** Options of `linkClicks`. */
export interface LinkClicksOptions {
  /**
   * Only links of these types are recorded. `['outbound', 'download', 'share']` records only what leaves the site,
   * as most analytics do; internal links then count only as the page views they lead to.
   * @default every type
   */
  linkTypes?: LinkType[];
  /**
   * A link whose path ends in one of these extensions (lower case, without the dot) is a `download`; so is any
   * link with a `download` attribute. The list replaces the default; it does not add to it.
   * @default ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'pps', 'key', 'txt', 'rtf', 'csv', 'exe', 'msi', 'dmg', 'pkg', 'iso', '7z', 'rar', 'gz', 'zip', 'avi', 'mov', 'mp4', 'mpeg', 'wmv', 'midi', 'mp3', 'wav', 'wma']
   */
  downloadExtensions?: string[];
  /**
   * Hosts whose links are `internal` besides the page's own host, each with its subdomains: `['example.com']`
   * makes links from www.example.com to shop.example.com internal.
   * @default []
   */
  internalHosts?: string[];
}

const DOWNLOADS = 'pdf doc docx xls xlsx ppt pptx pps key txt rtf csv exe msi dmg pkg iso 7z rar gz zip avi mov mp4 mpeg wmv midi mp3 wav wma';

// Share endpoints, which open a composer with the page's URL. wa.me/<number> is a chat with the business, not a
// share, so only the ?text= form counts; Mastodon's /share?text= lives on every instance's own host.
const SHARE =
  /[./](facebook\.com\/sharer|(twitter|x)\.com\/(intent|share)|linkedin\.com\/shar|(wa\.me|whatsapp\.com\/send)\/?\?text=|t\.me\/share|reddit\.com\/submit|pinterest\.\w+\/pin\/create|bsky\.app\/intent)|\/share\?text=/;

/**
 * Captures activations of `<a href>` (an SVG `<a xlink:href>` too) and `<area href>`: clicks (Enter on a focused link fires one too) and
 * middle-clicks, also inside open shadow roots. A click the page cancels (an SPA router's link) still counts:
 * the visitor chose that link. Links in or under an element with `data-touchpoint-ignore`, and `javascript:`
 * links, are skipped.
 *
 * Records `Link Clicked` with `href` (absolute), `linkType`, `text` (the link's text, else its aria-label, title
 * or alt, at most 100 characters), `host` for outbound links, and the link's `data-touchpoint*` attributes.
 */
export const linkClicks =
  ({ linkTypes, downloadExtensions = DOWNLOADS.split(' '), internalHosts = [] }: LinkClicksOptions = {}): Capture =>
  (emit, fail) => {
    // On window in the capture phase: the first to see the event, before any handler of the page can stop it.
    // Middle-click fires auxclick, not click; a right-click's auxclick opens a menu, not the link.
    const undo = ['click', 'auxclick'].map((type, button) =>
      on(
        window,
        type,
        (event: MouseEvent) => {
          // composedPath, unlike target, reaches into open shadow roots.
          const path = event.composedPath() as Element[];
          const link = event.button == button && path.find((node) => node.matches?.(linkSelector));
          if (!link || path.some((node) => node.hasAttribute?.('data-touchpoint-ignore'))) return;
          const attribute = (name: string) => link.getAttribute(name);
          let url: URL;
          try {
            // The attribute, not .href: an SVG <a>'s href is an SVGAnimatedString. SVG 2's href wins over xlink:href.
            url = new URL(attribute('href') ?? link.getAttributeNS('http://www.w3.org/1999/xlink', 'href')!, link.baseURI);
          } catch {
            return; // a malformed href is the page's, and leads nowhere
          }
          const { protocol, host, hostname, href } = url;
          const linkType: LinkType | 0 =
            protocol == 'javascript:'
              ? 0
              : protocol == 'mailto:' || protocol == 'tel:'
                ? (protocol.slice(0, -1) as LinkType)
                : link.hasAttribute('download') || downloadExtensions.includes(url.pathname.split('.').pop()!.toLowerCase())
                  ? 'download'
                  : SHARE.test(href)
                    ? 'share'
                    : // host, not hostname: another port is another site (a dev server, an admin app).
                      host == location.host || internalHosts.some((h) => ('.' + hostname).endsWith('.' + h))
                      ? 'internal'
                      : 'outbound';
          if (!linkType || (linkTypes && !linkTypes.includes(linkType))) return;
          emit(
            'Link Clicked',
            {
              ...touchpointAttributes(link),
              touchpointKind: 'link_click',
              href,
              linkType,
              // textContent, not innerText: innerText forces a layout in the middle of the click.
              text: cut((link.textContent!.trim() || attribute('aria-label') || attribute('title') || attribute('alt') || '').replace(/\s+/g, ' ').trim(), 100),
              ...(linkType == 'outbound' && { host }),
            },
            { element: link },
          );
        },
        fail,
        true,
      ),
    );
    return () => undo.forEach((u) => u());
  };
