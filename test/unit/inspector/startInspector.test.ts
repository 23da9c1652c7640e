import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { taggedClicks } from '../../../src/capture/taggedClicks';
import { startInspector } from '../../../src/inspector/startInspector';
import { channels } from '../../../src/journey/channels';
import { journeyStages } from '../../../src/journey/journeyStages';
import type { Rules } from '../../../src/journey/parseRules';
import type { Touchpoint } from '../../../src/types';
import { makeTracker, stopTrackers } from '../../helpers/makeTracker';
import { resetPage, setUrl } from '../../helpers/page';
import { deferred, settle } from '../../helpers/settle';
import { touchpoint } from '../../helpers/touchpoints';

let stop: (() => void) | undefined;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  localStorage.clear();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  stop?.();
  stop = undefined;
  await stopTrackers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  document.body.innerHTML = '';
  resetPage();
  localStorage.clear();
});

const start = (options?: Parameters<typeof startInspector>[0]) => (stop = startInspector(options));
const host = () => document.querySelector('touchtrail-inspector') as HTMLElement;
const root = () => host().shadowRoot!;
const $ = <E extends Element = HTMLElement>(selector: string) => root().querySelector<E>(selector)!;
const $$ = (selector: string) => [...root().querySelectorAll<HTMLElement>(selector)];
const fire = (detail: unknown) => dispatchEvent(new CustomEvent('touchtrail:touchpoint', { detail }));
const tagged = (name: string, properties: Record<string, unknown> = {}): Touchpoint => {
  const t = touchpoint({ event: name, properties: { touchpoint: name, touchpointKind: 'tagged', ...properties } });
  return t;
};
const rowText = (row: HTMLElement) => row.querySelector('.entry')!.textContent!.replace(/\s+/g, ' ');
const html = (markup: string) => {
  document.body.innerHTML = markup;
  return document.body.firstElementChild as HTMLElement;
};
/** jsdom lays nothing out: every element gets this box. */
const layOut = (element: Element, left: number, top: number, width = 100, height = 20) =>
  (element.getBoundingClientRect = () => ({ left, top, width, height, right: left + width, bottom: top + height, x: left, y: top }) as DOMRect);
const click = (element: Element) => {
  element.dispatchEvent(new MouseEvent('pointerdown', { bubbles: true, composed: true }));
  element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
};

describe('the panel', () => {
  test('lives in a shadow root under one element the captures ignore, styled without a style attribute', () => {
    start();
    expect(document.querySelectorAll('touchtrail-inspector')).toHaveLength(1);
    expect(host().hasAttribute('data-touchpoint-ignore')).toBe(true);
    expect(host().parentElement).toBe(document.documentElement);
    expect(root().mode).toBe('open');
    // CSSOM only: under style-src 'self' a <style> element or a style attribute in markup is refused.
    expect(root().querySelector('style, link, script')).toBeNull();
    expect(root().querySelector('[style]')).toBeNull(); // nothing set by markup; positions come later, by CSSOM
    expect($('.panel').getAttribute('aria-label')).toBe('touchtrail inspector');
    expect($('.empty').hidden).toBe(false);
  });

  test('lists each touchpoint as it fires, newest first: name, event, kind, stage and why, channel, moment of truth, time', () => {
    start();
    const first = touchpoint({
      type: 'page',
      event: undefined,
      timestamp: '2024-05-01T10:00:00.123Z',
      properties: { touchpoint: 'Page View', touchpointKind: 'page_view', stage: 'awareness', stageFrom: 'journey', channel: 'direct' },
    });
    fire(first);
    fire(tagged('Pro plan card', { stage: 'decision', stageFrom: 'explicit', channel: 'paid_search', momentOfTruth: true }));
    const rows = $$('.row');
    expect(rows).toHaveLength(2);
    expect($('.count').textContent).toBe('2');
    expect($('.empty').hidden).toBe(true);
    const [newest, oldest] = rows.map(rowText);
    expect(newest).toContain('Pro plan card');
    expect(newest).toContain('moment of truth');
    expect(newest).toContain('event Pro plan card');
    expect(newest).toContain('kind tagged');
    expect(newest).toContain('stage decision (set in the page)');
    expect(newest).toContain('channel paid_search');
    expect(oldest).toContain('Page View');
    expect(oldest).not.toContain('moment of truth');
    expect(oldest).toContain('event page');
    expect(oldest).toContain('stage awareness (furthest stage reached)');
    const local = new Date(first.timestamp);
    expect(rows[1]!.querySelector('.time')!.textContent).toBe(`${local.toTimeString().slice(0, 8)}.123`);
  });

  test('a row opens, by click or keyboard, to the touchpoint as JSON, set as text', () => {
    start();
    const hostile = tagged('<img src=x onerror="window.pwned=1">', { note: '<script>window.pwned=1</script>', stageFrom: 'default', stage: 'consideration' });
    fire(hostile);
    const entry = $('.entry');
    const detail = root().getElementById(entry.getAttribute('aria-controls')!)!;
    expect(entry.getAttribute('aria-expanded')).toBe('false');
    expect(detail.hidden).toBe(true);
    entry.click(); // a button: Enter and Space click it too
    expect(entry.getAttribute('aria-expanded')).toBe('true');
    expect(detail.hidden).toBe(false);
    expect(JSON.parse(detail.querySelector('pre')!.textContent!)).toEqual(hostile);
    expect(detail.querySelector('.why')!.textContent).toBe("Stage consideration: touchtrail's guess. No rule applies.");
    // Page data stays text: nothing of it became an element.
    expect(root().querySelector('img, script')).toBeNull();
    expect((window as any).pwned).toBeUndefined();
    entry.click();
    expect(detail.hidden).toBe(true);
  });

  test('folds and unfolds from its toggle; Escape folds it and leaves the focus on the toggle; Clear empties it', () => {
    start();
    fire(tagged('A'));
    const toggle = $<HTMLButtonElement>('.toggle');
    const body = root().getElementById(toggle.getAttribute('aria-controls')!)!;
    toggle.click();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(body.hidden).toBe(true);
    toggle.click();
    expect(body.hidden).toBe(false);
    $('.entry').focus();
    $('.entry').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(body.hidden).toBe(true);
    expect(root().activeElement).toBe(toggle);
    toggle.click();
    $('.clear').click();
    expect($$('.row')).toHaveLength(0);
    expect($('.count').textContent).toBe('0');
    expect($('.empty').hidden).toBe(false);
  });

  test('lists the touchpoints that fired before it loaded first, and keeps the newest 200', () => {
    start({ touchpoints: [tagged('Before 1'), tagged('Before 2')] });
    for (let i = 0; i < 210; i++) fire(tagged(`After ${i}`));
    const rows = $$('.row');
    expect(rows).toHaveLength(200);
    expect(rowText(rows[0]!)).toContain('After 209');
    expect(rowText(rows[199]!)).toContain('After 10');
    expect($('.count').textContent).toBe('212');
  }, 30_000); // jsdom takes its time over 200 rows

  test('shows what fired, not what became of the object afterwards', () => {
    start();
    const t = tagged('Snapshot', { stage: 'decision', stageFrom: 'explicit' });
    fire(t);
    t.properties.stage = 'changed later';
    $('.entry').click();
    expect($('pre').textContent).toContain('"decision"');
    expect($('pre').textContent).not.toContain('changed later');
  });

  test('never throws at the page: odd details, a detail that cannot be copied, a second start', () => {
    start();
    const cyclic: any = { properties: {} };
    cyclic.self = cyclic;
    const throwing = { get properties() { throw new Error('getter'); } };
    expect(() => [null, 'text', 42, cyclic, throwing, { type: 'page' }].forEach(fire)).not.toThrow();
    expect($$('.row')).toHaveLength(1); // { type: 'page' }: a touchpoint with nothing in it is still shown
    expect(warn).toHaveBeenCalled();
    const again = startInspector();
    expect(document.querySelectorAll('touchtrail-inspector')).toHaveLength(1);
    again();
    expect(host()).not.toBeNull();
  });

  test('stop removes it and its listeners', () => {
    start();
    stop!();
    stop = undefined;
    expect(host()).toBeNull();
    expect(() => fire(tagged('After stop'))).not.toThrow();
    expect(document.querySelector('touchtrail-inspector')).toBeNull();
  });
});

describe('the rules', () => {
  const rules: Rules = {
    touchpoints: [
      { url: '/pricing', event: 'Page View', name: 'Pricing page', stage: 'consideration' },
      { selector: '.plan .cta', stage: 'decision', momentOfTruth: true },
      { event: 'Order Completed', momentOfTruth: true },
    ],
  };

  test('says which rule set the stage, and which rules apply, once the rules have arrived', async () => {
    const arrive = deferred<Rules>();
    start({ rules: arrive.promise });
    expect($('.status').textContent).toBe('Rules: loading…');
    setUrl('/pricing');
    const view = touchpoint({
      type: 'page',
      event: undefined,
      context: { page: { url: 'https://shop.example/pricing', path: '/pricing', search: '', title: '', referrer: '' }, library: { name: 'touchtrail', version: '0' }, sessionId: 's' },
      // The rule renamed it: the rule is still found by the event it matched.
      properties: { touchpoint: 'Pricing page', touchpointKind: 'page_view', stage: 'consideration', stageFrom: 'rule' },
    });
    fire(view);
    expect(rowText($('.row'))).toContain('stage consideration (a rule)');
    arrive.resolve(rules);
    await settle();
    expect($('.status').textContent).toBe('Rules: 3 touchpoint rules');
    expect(rowText($('.row'))).toContain('stage consideration (rule touchpoints[0])');
    expect($('.why').textContent).toBe('Stage consideration: rule touchpoints[0]. Rules that apply: touchpoints[0].');
  });

  test('a touchtrail:rules event gives (or replaces) the rules', () => {
    start();
    expect($('.status').textContent).toBe('Rules: none');
    dispatchEvent(new CustomEvent('touchtrail:rules', { detail: { ...rules, stages: ['awareness', 'consideration', 'decision'] } }));
    expect($('.status').textContent).toBe('Rules: 3 touchpoint rules; stages: awareness, consideration, decision');
  });

  test('with a real tracker in debug mode: a click on a tagged element shows its row, the rule with a selector found from the click', async () => {
    start({ rules });
    // The rule's selector matches the tagged element (journeyStages' element), or an element around it.
    const card = html('<div class="plan"><button class="cta" data-touchpoint="Pro plan card"><span>Choose Pro</span></button></div>');
    makeTracker({ debug: true, captures: [taggedClicks()], processors: [journeyStages({ rules }), channels()] });
    click(card.querySelector('span')!);
    await settle();
    const rows = $$('.row').map(rowText);
    // The click, then the Journey Stage Reached it caused, newest first.
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('Pro plan card');
    expect(rows[1]).toContain('moment of truth');
    expect(rows[1]).toContain('kind tagged');
    expect(rows[1]).toContain('stage decision (rule touchpoints[1])');
    expect(rows[1]).toContain('channel direct');
    expect(rows[0]).toContain('Journey Stage Reached');
  });

  test('clicks in the panel are not recorded', async () => {
    start();
    const { tracker, send } = makeTracker({ debug: true, captures: [taggedClicks()] });
    fire(tagged('Seen'));
    const entry = $('.entry');
    // Even were a panel element tagged, it is under the ignored host.
    entry.setAttribute('data-touchpoint', 'Inspector row');
    entry.click();
    await tracker.flush();
    expect(send).not.toHaveBeenCalled();
    expect($$('.row')).toHaveLength(1);
  });
});

describe('the outlines', () => {
  test('outline every tagged element, with its name and stage, where it is', () => {
    html(
      '<main><button id="a" data-touchpoint="Pricing CTA" data-touchpoint-stage="decision">Buy</button>' +
        '<a id="b" href="/demo" data-touchpoint="Demo link">Demo</a>' +
        '<span data-touchpoint>bare: marks, does not name</span>' +
        '<footer data-touchpoint-ignore><button data-touchpoint="Ignored">x</button></footer></main>',
    );
    layOut(document.getElementById('a')!, 10, 40, 120, 30);
    layOut(document.getElementById('b')!, 10, 5, 60, 18);
    start();
    const boxes = $$('.box');
    expect(boxes).toHaveLength(2);
    const [a, b] = boxes;
    expect(a!.querySelector('.label')!.textContent).toBe('Pricing CTA · decision');
    expect(a!.style.transform).toBe('translate(10px, 40px)');
    expect([a!.style.width, a!.style.height]).toEqual(['120px', '30px']);
    expect(a!.classList.contains('below')).toBe(false);
    expect(b!.querySelector('.label')!.textContent).toBe('Demo link · stage guessed at click');
    // Too near the top for a label above it.
    expect(b!.classList.contains('below')).toBe(true);
    expect($('.layer').getAttribute('aria-hidden')).toBe('true');
  });

  test('outline what the rules name on this page, and take a tagged element’s stage from a rule', () => {
    setUrl('/pricing');
    html('<div class="plan" data-touchpoint="Pro plan card"><button class="cta">Choose</button></div><form id="demo"></form>');
    const rules: Rules = {
      touchpoints: [
        { selector: '.plan', stage: 'consideration' },
        { selector: '.cta', name: 'Plan CTA', stage: 'decision' },
        { selector: '#demo', url: '/elsewhere', name: 'Demo form' },
        { selector: '[[nonsense', stage: 'decision' },
      ],
    };
    document.querySelectorAll('.plan, .cta').forEach((element) => layOut(element, 0, 100));
    start({ rules });
    const labels = $$('.box').map((box) => [box.querySelector('.label')!.textContent, box.classList.contains('rule')]);
    expect(labels).toEqual([
      ['Pro plan card · consideration (touchpoints[0])', false],
      ['Plan CTA · decision (touchpoints[1])', true],
    ]);
  });

  test('follow scrolls (once a frame), pick up elements added later (throttled), and drop removed ones', async () => {
    vi.useFakeTimers();
    const first = html('<button data-touchpoint="First">1</button>');
    layOut(first, 0, 50);
    start();
    expect($$('.box')).toHaveLength(1);
    layOut(first, 0, 20);
    dispatchEvent(new Event('scroll'));
    dispatchEvent(new Event('scroll'));
    await vi.advanceTimersByTimeAsync(20);
    expect($('.box').style.transform).toBe('translate(0px, 20px)');
    const later = document.createElement('button');
    later.setAttribute('data-touchpoint', 'Later');
    layOut(later, 0, 80);
    document.body.append(later);
    await vi.advanceTimersByTimeAsync(100);
    expect($$('.box')).toHaveLength(1); // not yet: scans wait up to 250 ms
    await vi.advanceTimersByTimeAsync(200);
    expect($$('.box .label').map((l) => l.textContent)).toEqual(['First · stage guessed at click', 'Later · stage guessed at click']);
    first.remove();
    later.setAttribute('data-touchpoint-stage', 'purchase');
    await vi.advanceTimersByTimeAsync(300);
    expect($$('.box .label').map((l) => l.textContent)).toEqual(['Later · purchase']);
  });

  test('an element that is not laid out has no box on screen; Outlines hides them all', () => {
    html('<button data-touchpoint="Hidden">x</button>');
    start();
    expect($('.box').hidden).toBe(true);
    const toggle = $('.outlines');
    toggle.click();
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect($('.layer').classList.contains('off')).toBe(true);
    toggle.click();
    expect($('.layer').classList.contains('off')).toBe(false);
  });

  test('a tagged element shows what its touchpoint got once it fired', async () => {
    const card = html('<div data-touchpoint="Card"><span>in</span></div>');
    layOut(card, 0, 100);
    start();
    makeTracker({ debug: true, captures: [taggedClicks()], processors: [journeyStages()] });
    click(card.querySelector('span')!);
    await settle();
    const box = $('.box');
    expect(box.querySelector('.label')!.textContent).toBe('Card · awareness');
    expect(box.classList.contains('fired')).toBe(true);
  });
});
