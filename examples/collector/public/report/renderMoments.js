import { bar } from './bar.js';
import { el } from './el.js';
import { percent } from './percent.js';
import { plural } from './plural.js';

/**
 * Moments of truth and their outcome: for each, the visitors who met it split into those who went on to buy,
 * those who went on to a later stage without buying, and those who went no further.
 */
export const renderMoments = (root, report) => {
  const moments = report.moments;
  if (!moments.length) {
    root.replaceChildren(
      el(
        'p',
        { class: 'none' },
        'No moments of truth yet. Mark one in the page (data-touchpoint-moment-of-truth), in a rules file ("momentOfTruth": true), or with track(…, { momentOfTruth: true }).',
      ),
    );
    return;
  }
  const most = Math.max(1, ...moments.map((m) => m.visitors));
  root.replaceChildren(
    el(
      'div',
      { class: 'rows' },
      moments.map((m) =>
        el(
          'div',
          { class: 'row', 'data-touchpoint': m.touchpoint, 'data-visitors': m.visitors, 'data-bought': m.bought },
          el('span', { class: 'row-label' }, el('span', { class: 'moment' }, '★ '), m.touchpoint, el('span', { class: 'chip' }, m.stage ?? '')),
          bar(
            [
              { value: m.bought, className: 'bought', label: `${plural(m.bought, 'visitor')} bought afterwards`, text: String(m.bought) },
              { value: m.wentFurther, className: 'further', label: `${plural(m.wentFurther, 'visitor')} went to a later stage without buying`, text: String(m.wentFurther) },
              { value: m.wentNoFurther, className: 'stopped', label: `${plural(m.wentNoFurther, 'visitor')} went no further`, text: String(m.wentNoFurther) },
            ],
            most,
            { title: `${m.touchpoint}: ${m.visitors} met it, ${m.bought} bought, ${m.wentFurther} went further, ${m.wentNoFurther} went no further` },
          ),
          el('span', { class: 'row-figures' }, `${plural(m.visitors, 'visitor')} · ${percent(m.bought, m.visitors)} bought`),
        ),
      ),
    ),
    el(
      'p',
      { class: 'legend' },
      el('span', { class: 'swatch bought' }), ' bought afterwards ',
      el('span', { class: 'swatch further' }), ' went further without buying ',
      el('span', { class: 'swatch stopped' }), ' went no further',
    ),
  );
};
