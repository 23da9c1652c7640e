// Refreshes the "what arrived" page from the collector's JSON API. An external file, not an inline script,
// so that the page works under a Content-Security-Policy without 'unsafe-inline'.

const REFRESH_MS = 2000;
const byId = (id) => document.getElementById(id);

// Ids seen on earlier refreshes, so that new arrivals can be highlighted.
let seen = null;

const getJson = async (path) => {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
};

const cell = (text, className) => {
  const td = document.createElement('td');
  // textContent, never innerHTML: every field here came from some page's visitor and may hold markup.
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
};

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');

const renderEvents = (events) => {
  const rows = events.map((event) => {
    const tr = document.createElement('tr');
    const when = cell(time(event.timestamp));
    when.title = `happened ${event.timestamp}, arrived ${event.receivedAt}`;
    tr.append(
      when,
      cell(event.type),
      cell(event.touchpoint),
      cell(event.touchpointKind),
      cell(event.stage),
      cell(event.path),
      cell(event.messageId, 'id'),
    );
    if (event.momentOfTruth) tr.classList.add('moment-of-truth');
    if (seen && !seen.has(event.messageId)) tr.classList.add('new');
    return tr;
  });
  byId('events').replaceChildren(...rows);
  byId('empty').hidden = events.length > 0;
  seen = new Set(events.map((event) => event.messageId));
};

const renderTotals = (stats) => {
  for (const key of ['events', 'duplicates', 'dropped', 'failed', 'batches']) {
    byId(`total-${key}`).textContent = String(stats[key]);
  }
};

const refresh = async () => {
  try {
    const [{ events }, stats] = await Promise.all([getJson('/api/events?limit=100'), getJson('/api/stats')]);
    renderEvents(events);
    renderTotals(stats);
    byId('status').textContent = `Updated at ${new Date().toLocaleTimeString()}.`;
  } catch (error) {
    byId('status').textContent = `Cannot reach the collector (${error.message}); trying again.`;
  }
  setTimeout(refresh, REFRESH_MS);
};

// The collector serves the demo shop only when started with it; the link shows only if it is there.
fetch('/api/sites')
  .then((response) => response.json())
  .then(({ sites }) => (byId('site-link').hidden = !sites.includes('/shop/')))
  .catch(() => {});

refresh();
