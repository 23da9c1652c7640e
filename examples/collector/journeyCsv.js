// One CSV table per part of the journey report: a spreadsheet opens one table per file, and each part has
// its own columns.
const PARTS = {
  map: {
    columns: ['stage', 'touchpoint', 'kind', 'touchpoints', 'visitors', 'moment_of_truth'],
    rows: (report) =>
      report.map.flatMap(({ stage, items }) =>
        items.map((item) => [stage, item.touchpoint, item.kind, item.touchpoints, item.visitors, item.momentOfTruth]),
      ),
  },
  funnel: {
    columns: ['stage', 'visitors', 'drop_off', 'drop_off_rate'],
    rows: (report) => report.funnel.map((row) => [row.stage, row.visitors, row.dropOff, row.dropOffRate]),
  },
  checkout: {
    columns: ['step', 'step_name', 'sessions', 'abandoned', 'abandon_rate'],
    rows: (report) => report.checkout.map((row) => [row.step, row.stepName, row.sessions, row.abandoned, row.abandonRate]),
  },
  channels: {
    columns: ['stage', 'channel', 'visitors', 'touchpoints'],
    rows: (report) =>
      report.channels.flatMap(({ stage, channels }) => channels.map((row) => [stage, row.channel, row.visitors, row.touchpoints])),
  },
  moments: {
    columns: ['touchpoint', 'stage', 'visitors', 'bought', 'went_further', 'went_no_further'],
    rows: (report) =>
      report.moments.map((row) => [row.touchpoint, row.stage, row.visitors, row.bought, row.wentFurther, row.wentNoFurther]),
  },
  experience: {
    columns: ['stage', 'pages', 'lcp_p75', 'inp_p75', 'cls_p75', 'fcp_p75', 'ttfb_p75', 'good', 'needs_improvement', 'poor', 'slow_moments_of_truth'],
    rows: (report) =>
      report.experience.map((row) => [
        row.stage, row.pages, row.p75.lcp, row.p75.inp, row.p75.cls, row.p75.fcp, row.p75.ttfb,
        row.ratings.good, row.ratings.needsImprovement, row.ratings.poor, row.slowMomentsOfTruth,
      ]),
  },
};

/**
 * One CSV field (RFC 4180). Touchpoint names come from visitors' pages: a name starting with = + - @ would run
 * as a formula when the file is opened in a spreadsheet, so such text gets a leading apostrophe (OWASP's advice).
 */
const field = (value) => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/**
 * One part of a journey report (see `journeyReport`) as CSV text, with a header row and CRLF line ends.
 * @param {object} report
 * @param {'map' | 'funnel' | 'checkout' | 'channels' | 'moments' | 'experience'} [part='map']
 */
export const journeyCsv = (report, part = 'map') => {
  const { columns, rows } = PARTS[part] || {};
  if (!columns) throw Object.assign(new Error(`part must be one of ${Object.keys(PARTS).join(', ')}, got ${JSON.stringify(part)}`), { status: 400 });
  return [columns, ...rows(report)].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
};

/** The names of the parts `journeyCsv` can write. */
journeyCsv.parts = Object.keys(PARTS);
