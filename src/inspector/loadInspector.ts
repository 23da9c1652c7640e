/**
 * What the SDK hands the inspector, as properties of the `<script>` element that loads it (no globals): the
 * touchpoints announced before the inspector ran, and the rules the tracker follows. The inspector takes them and
 * unsets `touchpoints`. Plain names: the minifier renames only properties that start with `_`, and the two files
 * are minified apart.
 */
export interface InspectorHandoff {
  /** Debug mode's touchpoints (`touchtrail:touchpoint` events) until the inspector took them, at most 500. */
  touchpoints?: unknown[];
  /** The rules journeyStages follows: `loadRules(url)`'s promise, or the rules themselves. */
  rules?: unknown;
}

// The build writes the Subresource Integrity hash of touchtrail.inspector.js here (rollup.config.mjs), so that a
// core file pinned by SRI loads only the inspector of its own release. Left as it is, nothing is pinned.
const INTEGRITY = 'TOUCHTRAIL_INSPECTOR_INTEGRITY';

/**
 * Loads the in-page inspector once: `touchtrail.inspector.js` from the directory of `from.src` (the SDK's own
 * `<script>`, so that `script-src 'self'` or the CDN that serves the SDK covers it), with the inspector's SRI hash
 * when the SDK's own tag carries one. Touchpoints announced until it has loaded wait for it. Never throws.
 */
export const loadInspector = (from: { src: string; integrity?: string; crossOrigin?: string | null }, rules?: unknown): void => {
  try {
    if (document.querySelector('script[src$="/touchtrail.inspector.js"]')) return;
    const script = document.createElement('script') as HTMLScriptElement & InspectorHandoff;
    script.src = new URL('touchtrail.inspector.js', from.src).href;
    if (from.integrity && INTEGRITY[0] == 's') {
      script.integrity = INTEGRITY;
      script.crossOrigin = from.crossOrigin!;
    }
    script.touchpoints = [];
    script.rules = rules;
    // A file that cannot load (blocked, missing, tampered) must not keep touchpoints for ever.
    script.onerror = () => (script.touchpoints = undefined);
    document.head.appendChild(script);
    addEventListener('touchtrail:touchpoint', (event) => {
      const waiting = script.touchpoints;
      if (waiting && waiting.length < 500) waiting.push((event as CustomEvent).detail);
    });
  } catch {}
};
