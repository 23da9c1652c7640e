import { bar } from './bar.js';
import { el } from './el.js';
import { plural } from './plural.js';

// Core Web Vitals' thresholds (web.dev/articles/vitals): good up to the first, poor from the second.
const METRICS = [
  { key: 'lcp', name: 'LCP', good: 2500, poor: 4000, unit: 'ms' },
  { key: 'inp', name: 'INP', good: 200, poor: 500, unit: 'ms' },
  { key: 'cls', name: 'CLS', good: 0.1, poor: 0.25, unit: '' },
  { key: 'fcp', name: 'FCP', good: 1800, poor: 3000, unit: 'ms' },
  { key: 'ttfb', name: 'TTFB', good: 800, poor: 1800, unit: 'ms' },
];

const rating = (metric, value) => (value <= metric.good ? 'good' : value <= metric.poor ? 'needs-improvement' : 'poor');
const shown = (metric, value) => (metric.unit ? `${Math.round(value).toLocaleString('en')} ${metric.unit}` : value.toFixed(2));

/** Page experience per stage: the p75 of each web vital, coloured by its rating, and the pages' own ratings. */
export const renderExperience = (root, report) => {
  const rows = report.experience;
  if (!rows.length) {
    root.replaceChildren(
      el(
        'p',
        { class: 'none' },
        'No page experience measured yet. It comes from "Page Experience" events (properties lcp, inp, cls, fcp, ttfb and rating), which the webVitals capture sends.',
      ),
    );
    return;
  }
  // Number.isFinite, not !== null: a report from another collector (or an older one) may hold "NaN", and one
  // value must not cost the whole panel.
  const metrics = METRICS.filter((metric) => rows.some((row) => Number.isFinite(row.p75[metric.key])));
  const most = Math.max(1, ...rows.map((row) => row.pages));
  root.replaceChildren(
    el(
      'table',
      { class: 'experience' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'Stage'),
          el('th', {}, 'Pages'),
          metrics.map((m) => el('th', {}, `${m.name} p75`)),
          el('th', { title: 'Pages that were slow (poor LCP or INP) at a moment of truth, such as a checkout step' }, 'Slow at a moment of truth'),
          el('th', {}, 'Rated'),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map((row) =>
          el(
            'tr',
            { 'data-stage': row.stage },
            el('th', { scope: 'row' }, row.stage),
            el('td', {}, row.pages),
            metrics.map((m) => {
              const value = row.p75[m.key];
              return !Number.isFinite(value) ? el('td', {}, '–') : el('td', { class: `rating ${rating(m, value)}` }, shown(m, value));
            }),
            el('td', { class: row.slowMomentsOfTruth ? 'slow' : '' }, row.slowMomentsOfTruth ?? 0),
            el(
              'td',
              { class: 'rated' },
              bar(
                [
                  { value: row.ratings.good, className: 'good', label: `${plural(row.ratings.good, 'page')} good` },
                  { value: row.ratings.needsImprovement, className: 'needs-improvement', label: `${plural(row.ratings.needsImprovement, 'page')} need improvement` },
                  { value: row.ratings.poor, className: 'poor', label: `${plural(row.ratings.poor, 'page')} poor` },
                ],
                most,
                { height: 14 },
              ),
            ),
          ),
        ),
      ),
    ),
  );
};
