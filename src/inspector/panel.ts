import type { Touchpoint } from '../types';
import type { Explanation } from './explain';
import { h } from './h';

/** The inspector's panel: a fixed corner of the page, listing touchpoints as they fire. */
export interface Panel {
  element: HTMLElement;
  /** Lists a touchpoint, newest first; the row's `explain` is shown now and again by `refresh`. */
  add(touchpoint: Touchpoint, explanation: () => Explanation): void;
  /** Explains every row again (the rules arrived). */
  refresh(): void;
  /** The line above the list: what the inspector knows of the rules. */
  status(text: string): void;
}

// The oldest rows go beyond this: a long visit must not grow the page's memory without end.
const MOST = 200;

const time = (timestamp: string) => {
  const at = new Date(timestamp);
  return isNaN(+at) ? '' : `${at.toTimeString().slice(0, 8)}.${String(at.getMilliseconds()).padStart(3, '0')}`;
};
const text = (value: unknown) => (value == null || value === '' ? '–' : typeof value == 'object' ? JSON.stringify(value) : String(value));
const chip = (key: string, value: unknown, className = '') => h('span', `chip ${className}`, [h('b', '', [key + ' ']), text(value)]);

/**
 * Makes the panel. Keyboard: every control is a button (Tab, Enter, Space); Escape anywhere in the panel folds it
 * and puts the focus on its toggle. A row opens to the touchpoint's full JSON, set as text: page data is untrusted.
 */
export const createPanel = (onOutlines: (on: boolean) => void): Panel => {
  // Rows ever made (their ids), and touchpoints seen since the last Clear (the count).
  let rows = 0;
  let seen = 0;
  const count = h('span', 'count', ['0'], { 'aria-label': 'touchpoints' });
  const toggle = h('button', 'toggle', ['touchtrail', count], { type: 'button', 'aria-expanded': 'true', 'aria-controls': 'body' });
  const outlines = h('button', 'outlines', ['Outlines'], { type: 'button', 'aria-pressed': 'true' });
  const clear = h('button', 'clear', ['Clear'], { type: 'button' });
  const status = h('p', 'status', ['Rules: none']);
  const empty = h('p', 'empty', ['No touchpoint yet. Click a tagged element, or browse.']);
  const list = h('ol', 'list', [], { role: 'log', 'aria-label': 'Touchpoints, newest first' });
  const body = h('div', 'body', [status, empty, list], { id: 'body' });
  const element = h('section', 'panel', [h('div', 'bar', [toggle, outlines, clear]), body], { 'aria-label': 'touchtrail inspector' });
  const updates = new Set<() => void>();

  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') != 'true';
    toggle.setAttribute('aria-expanded', String(open));
    body.hidden = !open;
  });
  outlines.addEventListener('click', () => {
    const on = outlines.getAttribute('aria-pressed') != 'true';
    outlines.setAttribute('aria-pressed', String(on));
    onOutlines(on);
  });
  clear.addEventListener('click', () => {
    list.replaceChildren();
    updates.clear();
    count.textContent = String((seen = 0));
    empty.hidden = false;
  });
  element.addEventListener('keydown', (event) => {
    if (event.key != 'Escape' || toggle.getAttribute('aria-expanded') != 'true') return;
    toggle.click();
    toggle.focus();
  });

  return {
    element,
    add(t, explanation) {
      const p = t.properties || {};
      const id = `row-${++rows}`;
      const stage = h('span', 'chip stage');
      const why = h('p', 'why');
      const json = h('pre', '', [JSON.stringify(t, null, 2)]);
      const detail = h('div', 'detail', [why, json], { id });
      detail.hidden = true;
      const entry = h('button', 'entry', [], { type: 'button', 'aria-expanded': 'false', 'aria-controls': id });
      entry.append(
        h('span', 'head', [
          h('span', 'name', [text(p.touchpoint ?? t.event ?? t.type)]),
          ...(p.momentOfTruth === true ? [h('span', 'flag', ['moment of truth'])] : []),
          h('span', 'time', [time(t.timestamp)]),
        ]),
        h('span', 'meta', [
          chip('event', t.event ?? t.type),
          chip('kind', p.touchpointKind),
          stage,
          chip('channel', p.channel),
        ]),
      );
      entry.addEventListener('click', () => {
        const open = entry.getAttribute('aria-expanded') != 'true';
        entry.setAttribute('aria-expanded', String(open));
        detail.hidden = !open;
      });
      const update = () => {
        const { why: from, matched } = explanation();
        stage.replaceChildren(h('b', '', ['stage ']), `${text(p.stage)} (${from})`);
        why.textContent =
          `Stage ${text(p.stage)}: ${from}. ` +
          (matched.length ? `Rules that apply: ${matched.map((i) => `touchpoints[${i}]`).join(', ')}.` : 'No rule applies.');
      };
      update();
      updates.add(update);
      const row = h('li', 'row', [entry, detail]);
      list.prepend(row);
      count.textContent = String(++seen);
      empty.hidden = true;
      // The oldest row goes, and its update with it (the Set keeps the order they were added in).
      if (list.children.length > MOST) {
        list.lastElementChild!.remove();
        updates.delete(updates.values().next().value!);
      }
    },
    refresh: () => updates.forEach((update) => update()),
    status: (line) => (status.textContent = line),
  };
};
