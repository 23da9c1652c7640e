// @vitest-environment jsdom
import { expect, test } from 'vitest';
// @ts-expect-error: plain JavaScript.
import { renderExperience } from '../../examples/collector/public/report/renderExperience.js';

const row = (stage: string, p75: Record<string, unknown>) => ({
  stage,
  pages: 1,
  p75: { lcp: null, inp: null, cls: null, fcp: null, ttfb: null, ...p75 },
  ratings: { good: 1, needsImprovement: 0, poor: 0 },
  slowMomentsOfTruth: 0,
});

test('a p75 that is no finite number ("NaN" from an older collector, null) is shown as –, and the panel is drawn', () => {
  const root = document.createElement('div');
  const report = { experience: [row('awareness', { lcp: 1800, cls: 'NaN' }), row('decision', { lcp: 'NaN', cls: Infinity })] };
  expect(() => renderExperience(root, report)).not.toThrow();
  const cells = [...root.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].slice(1, 3).map((td) => td.textContent));
  // LCP is shown; CLS has no finite value in any row, so it gets no column.
  expect([...root.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Stage', 'Pages', 'LCP p75', 'Slow at a moment of truth', 'Rated']);
  expect(cells).toEqual([['1,800 ms', '0'], ['–', '0']]);
});
