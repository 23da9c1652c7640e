import { bar } from './bar.js';
import { el } from './el.js';
import { plural } from './plural.js';
import { stageClass } from './stageClass.js';

// A stage shows its busiest touchpoints; the rest wait behind "more", so that one busy stage cannot make the
// map too tall to take in at a glance.
const SHOWN = 8;

const item = (touchpoint, scale) =>
  el(
    'li',
    { 'data-touchpoint': touchpoint.touchpoint, 'data-visitors': touchpoint.visitors, 'data-touchpoints': touchpoint.touchpoints },
    el(
      'span',
      { class: 'name', title: `${touchpoint.touchpoint} (${touchpoint.kind || 'touchpoint'})` },
      touchpoint.momentOfTruth ? el('span', { class: 'moment', title: 'moment of truth' }, '★ ') : null,
      touchpoint.touchpoint,
    ),
    el('span', { class: 'count', title: `${plural(touchpoint.visitors, 'visitor')}, ${plural(touchpoint.touchpoints, 'touchpoint')}` }, touchpoint.visitors),
    bar([{ value: touchpoint.visitors, className: 'fill', label: plural(touchpoint.visitors, 'visitor') }], scale, { height: 6 }),
  );

/**
 * The journey map: one column per stage, left to right, with its volume (visitors, touchpoints) and its
 * touchpoints by visitors. Bars share one scale across the map, so a glance compares stages too.
 */
export const renderMap = (root, report) => {
  const busiest = Math.max(1, ...report.map.map((stage) => stage.visitors));
  const busiestItem = Math.max(1, ...report.map.flatMap((stage) => stage.items.map((i) => i.visitors)));
  root.replaceChildren(
    ...report.map.map((stage) =>
      el(
        'article',
        { class: `stage ${stageClass(report.stages, stage.stage)}`, 'data-stage': stage.stage, 'data-visitors': stage.visitors, 'data-touchpoints': stage.touchpoints },
        el(
          'header',
          {},
          el('h3', {}, stage.stage),
          el('p', { class: 'volume' }, el('strong', {}, plural(stage.visitors, 'visitor')), ` · ${plural(stage.touchpoints, 'touchpoint')}`),
          bar([{ value: stage.visitors, className: 'fill', label: plural(stage.visitors, 'visitor') }], busiest, { height: 10, title: `${stage.stage}: ${plural(stage.visitors, 'visitor')}` }),
        ),
        stage.items.length
          ? el('ol', { class: 'touchpoints' }, stage.items.slice(0, SHOWN).map((i) => item(i, busiestItem)))
          : el('p', { class: 'none' }, 'No touchpoints yet.'),
        stage.items.length > SHOWN
          ? el(
              'details',
              {},
              el('summary', {}, `${stage.items.length - SHOWN} more`),
              el('ol', { class: 'touchpoints' }, stage.items.slice(SHOWN).map((i) => item(i, busiestItem))),
            )
          : null,
      ),
    ),
  );
};
