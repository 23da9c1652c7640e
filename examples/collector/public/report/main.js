// The journey page: fetches /api/journey and draws it, again whenever the collector says a batch was stored.
// Modules in files, not inline scripts, so that the page works under a Content-Security-Policy without
// 'unsafe-inline'.
import { renderChannels } from './renderChannels.js';
import { renderCheckout } from './renderCheckout.js';
import { renderExperience } from './renderExperience.js';
import { renderFunnel } from './renderFunnel.js';
import { renderMap } from './renderMap.js';
import { renderMoments } from './renderMoments.js';
import { renderTotals } from './renderTotals.js';

const byId = (id) => document.getElementById(id);
// A batch often comes with others (several tabs, a page and its beacon): one redraw for a burst.
const SETTLE_MS = 400;
// If the event stream is down (a proxy that buffers it), the page still catches up now and then.
const POLL_MS = 15_000;

// from= and to= in the page's address narrow the report, its exports included.
const range = location.search;
if (range) {
  for (const link of document.querySelectorAll('a[href^="/export/journey"]')) {
    link.href += (link.href.includes('?') ? '&' : '?') + range.slice(1);
  }
}

let shown = '';
let timer = 0;
let live = false;

const draw = (report) => {
  renderTotals(byId('totals'), report.totals);
  renderMap(byId('map'), report);
  renderFunnel(byId('funnel'), report);
  renderCheckout(byId('checkout'), report);
  renderChannels(byId('channels'), report);
  renderMoments(byId('moments'), report);
  renderExperience(byId('experience'), report);
  byId('empty').hidden = report.totals.touchpoints > 0;
  const note = byId('fallback-note');
  const { stagedByReport, channelByReport, touchpoints } = report.totals;
  note.hidden = !stagedByReport && !channelByReport;
  note.textContent =
    `${stagedByReport} of ${touchpoints} touchpoints came without a stage and ${channelByReport} without a channel: ` +
    'the report gave them the SDK’s default stage (or the furthest stage their visitor had reached) and the channel of ' +
    'their session’s landing. See examples/collector/sql/journey_touchpoints.sql.';
};

const refresh = async () => {
  clearTimeout(timer);
  try {
    const response = await fetch(`/api/journey${range}`, { cache: 'no-store' });
    if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error || `answered ${response.status}`);
    const report = await response.json();
    // Drawing again what is already shown would only reset open "more" lists and tooltips.
    const text = JSON.stringify({ ...report, generatedAt: 0 });
    if (text !== shown) {
      draw(report);
      shown = text;
      document.body.dataset.updated = report.generatedAt;
    }
    byId('status').textContent = `Updated at ${new Date().toLocaleTimeString()}${live ? ', live' : ''}.`;
  } catch (error) {
    byId('status').textContent = `Cannot read the journey (${error.message}); trying again.`;
  }
  timer = setTimeout(refresh, POLL_MS);
};

const events = new EventSource('/api/live');
events.addEventListener('open', () => (live = true));
events.addEventListener('stored', () => {
  clearTimeout(timer);
  timer = setTimeout(refresh, SETTLE_MS);
});
events.addEventListener('error', () => (live = false));

// The collector serves the demo sites only when started with them; their links show only if they are there.
fetch('/api/sites')
  .then((response) => response.json())
  .then(({ sites }) => {
    byId('shop-link').hidden = !sites.includes('/shop/');
    byId('spa-link').hidden = !sites.includes('/spa/');
  })
  .catch(() => {});

refresh();
