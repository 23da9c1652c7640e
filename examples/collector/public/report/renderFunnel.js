import { el } from './el.js';
import { percent } from './percent.js';
import { plural } from './plural.js';
import { stageClass } from './stageClass.js';
import { svg } from './svg.js';

const WIDTH = 1000;
const HEIGHT = 280;
const TOP = 34; // room for the counts above the bars
const BASE = 236; // the bars' foot; the stage names go below it

/**
 * The funnel across stages: one bar per stage, as tall as the visitors who reached it (or a later stage),
 * joined to the next by the band of those who went on, with the drop-off written in the gap between them.
 */
export const renderFunnel = (root, report) => {
  const funnel = report.funnel;
  const most = Math.max(1, ...funnel.map((stage) => stage.visitors));
  const slot = WIDTH / Math.max(funnel.length, 1);
  const barWidth = slot * 0.52;
  const height = (visitors) => ((BASE - TOP) * visitors) / most;
  const left = (index) => index * slot + (slot - barWidth) / 2;

  const shapes = funnel.map((stage, index) => {
    const x = left(index);
    const y = BASE - height(stage.visitors);
    const next = funnel[index + 1];
    return svg(
      'g',
      { class: `funnel-stage ${stageClass(report.stages, stage.stage)}`, 'data-stage': stage.stage, 'data-visitors': stage.visitors, 'data-drop-off': stage.dropOff ?? '' },
      // The band to the next stage: as tall as the visitors who went on.
      next
        ? svg('polygon', {
            class: 'flow',
            points: [
              [x + barWidth, y], [left(index + 1), BASE - height(next.visitors)],
              [left(index + 1), BASE], [x + barWidth, BASE],
            ].map((p) => p.join(',')).join(' '),
          })
        : null,
      svg('rect', { class: 'fill', x, y, width: barWidth, height: Math.max(BASE - y, 1), rx: 3 },
        svg('title', {}, `${stage.stage}: ${plural(stage.visitors, 'visitor')} reached it or went further`)),
      svg('text', { class: 'count', x: x + barWidth / 2, y: y - 8, 'text-anchor': 'middle' }, String(stage.visitors)),
      svg('text', { class: 'label', x: x + barWidth / 2, y: BASE + 22, 'text-anchor': 'middle' }, stage.stage),
      next && stage.dropOff > 0
        ? svg(
            'text',
            { class: 'drop', x: x + barWidth + (slot - barWidth) / 2, y: BASE - height(next.visitors) - 26, 'text-anchor': 'middle' },
            svg('tspan', { x: x + barWidth + (slot - barWidth) / 2, dy: 0 }, `−${stage.dropOff}`),
            svg('tspan', { x: x + barWidth + (slot - barWidth) / 2, dy: 16 }, percent(stage.dropOff, stage.visitors)),
          )
        : null,
    );
  });

  // The one sentence a reader wants from a funnel: where most people are lost.
  const worst = funnel.slice(0, -1).reduce((a, b) => ((b.dropOff ?? 0) > (a?.dropOff ?? 0) ? b : a), null);
  const next = worst && funnel[funnel.indexOf(worst) + 1];
  root.replaceChildren(
    svg('svg', { class: 'funnel', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': funnel.map((s) => `${s.stage} ${s.visitors}`).join(', ') }, shapes),
    el(
      'p',
      { class: 'explain', 'data-worst': worst ? worst.stage : '' },
      worst
        ? `The biggest drop-off is from ${worst.stage} to ${next.stage}: ${plural(worst.dropOff, 'visitor')} of ${worst.visitors} (${percent(worst.dropOff, worst.visitors)}) went no further.`
        : 'No drop-off between stages yet.',
    ),
  );
};
