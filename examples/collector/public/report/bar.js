import { svg } from './svg.js';

/**
 * A horizontal bar of segments, as an SVG as wide as its box: `[{ value, className, label, text? }]`, each as
 * wide as its value is of `scale` (the largest total of its chart, so that the bars of one chart compare).
 * Widths are percentages rather than a stretched viewBox, so that text inside keeps its shape. A segment's
 * label is its tooltip; its text is written on it when the segment is wide enough.
 */
export const bar = (segments, scale, { height = 22, title } = {}) => {
  let x = 0;
  const parts = segments
    .filter((segment) => segment.value > 0)
    .map((segment) => {
      const share = scale ? (segment.value / scale) * 100 : 0;
      const part = svg(
        'g',
        { class: segment.className },
        svg('rect', { x: `${x}%`, y: 0, width: `${share}%`, height }, svg('title', {}, segment.label)),
        // About 7 px a character at the chart's font size, against a bar some 400 px wide: 2 % for each.
        segment.text && share > segment.text.length * 2 + 3
          ? svg('text', { x: `${x + share / 2}%`, y: height / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, segment.text)
          : null,
      );
      x += share;
      return part;
    });
  return svg(
    'svg',
    { class: 'bar', width: '100%', height, role: 'img', 'aria-label': title },
    svg('rect', { class: 'track', x: 0, y: 0, width: '100%', height }),
    parts,
  );
};
