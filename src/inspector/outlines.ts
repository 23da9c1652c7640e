import type { Rules } from '../journey/parseRules';
import { campaign } from '../lib/campaign';
import { matchPath } from '../lib/matchPath';
import { linkSelector } from '../lib/linkSelector';
import { h } from './h';
import { ruleApplies } from './ruleApplies';

/** The outlines of a page's touchpoints: its tagged elements, and elements the rules' selectors name. */
export interface Outlines {
  /** Finds the elements again (the page changed, or the rules did) and redraws. */
  scan(): void;
  /** Moves the outlines to where their elements are now (after a scroll, a resize). */
  place(): void;
  /** Shows what an element's touchpoint got, once it has fired. */
  fired(element: Element, name: string, stage: unknown): void;
  show(on: boolean): void;
  readonly count: number;
}

// More would cost the page's scrolling more than it helps anyone.
const MOST = 500;

interface Box {
  box: HTMLElement;
  label: HTMLElement;
  text: string;
  /** What fired last, shown instead of the prediction. */
  firedText?: string;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Draws a box around every element with `data-touchpoint` (solid) and every element a rule's `selector` names on
 * this page (dashed), in `layer` (a fixed layer over the page, in the inspector's shadow root: the page's own
 * elements are never touched), each with a label: its touchpoint's name and the stage it will get, as far as markup
 * and rules tell before the click. Elements under `data-touchpoint-ignore` are not recorded and not outlined.
 */
export const createOutlines = (layer: HTMLElement, rules: () => Rules): Outlines => {
  const boxes = new Map<Element, Box>();
  const predict = (element: Element): [text: string, rule: boolean] | undefined => {
    const list = rules().touchpoints || [];
    const path = location.pathname;
    const name = element.getAttribute('data-touchpoint');
    const kind = element.matches(linkSelector) ? 'link_click' : element.matches('form') ? 'form_submit' : 'tagged';
    const facts = { element, path, names: [name], kind, medium: campaign(location.search)?.medium };
    if (name) {
      const explicit = element.getAttribute('data-touchpoint-stage');
      const i = explicit ? -1 : list.findIndex((rule) => rule.stage && ruleApplies(rule, facts));
      const stage = explicit || list[i]?.stage;
      return [`${name} · ${stage ? stage + (i >= 0 ? ` (touchpoints[${i}])` : '') : 'stage guessed at click'}`, false];
    }
    // Not tagged: named by a rule whose selector it matches on this page.
    const i = list.findIndex((rule) => {
      try {
        return rule.selector && element.matches(rule.selector) && (!rule.url || matchPath(rule.url, path));
      } catch {}
    });
    const rule = list[i];
    return rule && [`${rule.name || rule.event || rule.selector} · ${rule.stage || 'stage guessed at click'} (touchpoints[${i}])`, true];
  };

  const outlines: Outlines = {
    get count() {
      return boxes.size;
    },
    scan() {
      const found = new Set<Element>();
      const add = (element: Element) => found.size < MOST && !element.closest('[data-touchpoint-ignore]') && found.add(element);
      document.querySelectorAll('[data-touchpoint]').forEach((element) => element.getAttribute('data-touchpoint') && add(element));
      for (const rule of rules().touchpoints || [])
        if (rule.selector && (!rule.url || matchPath(rule.url, location.pathname)))
          try {
            document.querySelectorAll(rule.selector).forEach(add);
          } catch {} // a selector the browser cannot parse names nothing
      boxes.forEach((entry, element) => found.has(element) || (entry.box.remove(), boxes.delete(element)));
      found.forEach((element) => {
        const [text, rule] = predict(element) || ['', false];
        let entry = boxes.get(element);
        if (!entry) {
          const label = h('span', 'label');
          entry = { box: h('div', 'box', [label]), label, text: '' };
          boxes.set(element, entry);
          layer.append(entry.box);
        }
        entry.box.classList.toggle('rule', rule);
        entry.text = text;
        entry.label.textContent = entry.firedText || text;
      });
      outlines.place();
    },
    place() {
      if (layer.classList.contains('off')) return;
      // Every read first, then every write: one layout for all of them.
      const entries = [...boxes];
      const rects = entries.map(([element]) => element.getBoundingClientRect());
      entries.forEach(([, { box }], i) => {
        const { left, top, width, height } = rects[i]!;
        const shown = width > 0 || height > 0;
        box.hidden = !shown;
        if (!shown) return;
        box.style.setProperty('transform', `translate(${left}px, ${top}px)`);
        box.style.setProperty('width', `${width}px`);
        box.style.setProperty('height', `${height}px`);
        box.classList.toggle('below', top < 18);
      });
    },
    fired(element, name, stage) {
      const entry = boxes.get(element);
      if (!entry) return;
      entry.firedText = `${name} · ${stage ?? 'no stage'}`;
      entry.label.textContent = entry.firedText;
      entry.box.classList.add('fired');
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => entry.box.classList.remove('fired'), 1200);
    },
    show(on) {
      layer.classList.toggle('off', !on);
      outlines.place();
    },
  };
  return outlines;
};
