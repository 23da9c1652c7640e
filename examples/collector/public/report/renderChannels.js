import { bar } from './bar.js';
import { el } from './el.js';
import { percent } from './percent.js';
import { plural } from './plural.js';

/**
 * Channel mix per stage: one bar per stage split by channel, each channel one colour throughout (in order of
 * its visitors overall), so that a channel that brings many visitors but few buyers shows as a shrinking band.
 */
export const renderChannels = (root, report) => {
  const totals = new Map();
  for (const { channels } of report.channels) {
    for (const c of channels) totals.set(c.channel, (totals.get(c.channel) || 0) + c.visitors);
  }
  if (!totals.size) {
    root.replaceChildren(el('p', { class: 'none' }, 'No channels yet.'));
    return;
  }
  const order = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a) || a.localeCompare(b));
  const series = (channel) => `series-${order.indexOf(channel) % 8}`;
  const most = Math.max(1, ...report.channels.map(({ channels }) => channels.reduce((n, c) => n + c.visitors, 0)));
  root.replaceChildren(
    el('p', { class: 'legend' }, order.map((channel) => el('span', { class: 'key' }, el('span', { class: `swatch ${series(channel)}` }), ` ${channel} `))),
    el(
      'div',
      { class: 'rows' },
      report.channels.map(({ stage, channels }) => {
        const sum = channels.reduce((n, c) => n + c.visitors, 0);
        return el(
          'div',
          { class: 'row', 'data-stage': stage },
          el('span', { class: 'row-label' }, stage),
          bar(
            channels.map((c) => ({
              value: c.visitors,
              className: series(c.channel),
              label: `${c.channel}: ${plural(c.visitors, 'visitor')} (${percent(c.visitors, sum)})`,
              text: c.channel,
            })),
            most,
            { title: `${stage}: ${channels.map((c) => `${c.channel} ${c.visitors}`).join(', ') || 'none'}` },
          ),
          el('span', { class: 'row-figures' }, sum ? plural(sum, 'visitor') : '–'),
        );
      }),
    ),
  );
};
