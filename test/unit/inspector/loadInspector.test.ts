import { afterEach, expect, test, vi } from 'vitest';
import { loadInspector, type InspectorHandoff } from '../../../src/inspector/loadInspector';
import { touchpoint } from '../../helpers/touchpoints';

type Loaded = HTMLScriptElement & InspectorHandoff;
const loaded = () => [...document.querySelectorAll<Loaded>('script[src$="/touchtrail.inspector.js"]')];
const fire = (detail: unknown) => dispatchEvent(new CustomEvent('touchtrail:touchpoint', { detail }));
const SDK = { src: 'https://cdn.example/touchtrail/1.2.0/touchtrail.min.js?v=3' };

afterEach(() => {
  // The loader's listener stays (it is tiny); it keeps nothing once the handoff is taken.
  loaded().forEach((script) => ((script.touchpoints = undefined), script.remove()));
  document.querySelector('touchtrail-inspector')?.remove();
  vi.restoreAllMocks();
});

test('appends touchtrail.inspector.js from the directory of the SDK’s own file, once', () => {
  loadInspector(SDK);
  loadInspector(SDK);
  const scripts = loaded();
  expect(scripts).toHaveLength(1);
  expect(scripts[0]!.src).toBe('https://cdn.example/touchtrail/1.2.0/touchtrail.inspector.js');
  expect(scripts[0]!.parentElement).toBe(document.head);
  // Not pinned unless the build wrote the inspector's hash in and the SDK's own tag is pinned.
  loaded()[0]!.remove();
  loadInspector({ ...SDK, integrity: 'sha384-abc', crossOrigin: 'anonymous' });
  expect(loaded()[0]!.getAttribute('integrity')).toBeNull();
});

test('keeps the touchpoints announced until the inspector takes them (at most 500), and hands over the rules', () => {
  const rules = Promise.resolve({ touchpoints: [] });
  loadInspector(SDK, rules);
  const [script] = loaded();
  const first = touchpoint();
  fire(first);
  expect(script!.touchpoints).toEqual([first]);
  expect(script!.rules).toBe(rules);
  for (let i = 0; i < 600; i++) fire(touchpoint());
  expect(script!.touchpoints).toHaveLength(500);
  // The inspector took them: nothing is kept any more.
  script!.touchpoints = undefined;
  fire(touchpoint());
  expect(script!.touchpoints).toBeUndefined();
});

test('a file that cannot load keeps nothing', () => {
  loadInspector(SDK);
  const [script] = loaded();
  script!.dispatchEvent(new Event('error'));
  fire(touchpoint());
  expect(script!.touchpoints).toBeUndefined();
});

test('never throws: no usable src, no head', () => {
  expect(() => loadInspector({ src: '' })).not.toThrow();
  expect(loaded()).toHaveLength(0);
  vi.spyOn(document, 'head', 'get').mockReturnValue(null as unknown as HTMLHeadElement);
  expect(() => loadInspector(SDK)).not.toThrow();
});

test('the inspector file takes the handoff from its own <script> element', async () => {
  loadInspector(SDK, { touchpoints: [{ selector: '#x', stage: 'decision' }] });
  const [script] = loaded();
  fire(touchpoint({ properties: { touchpoint: 'Before load', touchpointKind: 'custom' } }));
  // What the browser does when the file runs: currentScript is its element.
  vi.spyOn(document, 'currentScript', 'get').mockReturnValue(script!);
  await import('../../../src/inspector/inspector');
  expect(script!.touchpoints).toBeUndefined();
  const root = document.querySelector('touchtrail-inspector')!.shadowRoot!;
  expect(root.querySelector('.entry')!.textContent).toContain('Before load');
  expect(root.querySelector('.status')!.textContent).toBe('Rules: 1 touchpoint rule');
});
