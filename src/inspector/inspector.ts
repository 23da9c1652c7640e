// touchtrail.inspector.js: the in-page inspector, a file of its own that the script tag loads only in debug mode
// (`?touchtrail-debug` in the page's address, or data-debug="true"): never part of touchtrail.min.js.
import type { InspectorHandoff } from './loadInspector';
import { startInspector } from './startInspector';

try {
  // The loader hands over, on this very <script> element, what debug mode announced before this file ran, and the
  // rules. Loaded by a <script> tag of the site's own, it has neither, and starts from now on.
  const script = document.currentScript as (HTMLScriptElement & InspectorHandoff) | null;
  const touchpoints = script?.touchpoints;
  if (script) script.touchpoints = undefined;
  startInspector({ touchpoints, rules: script?.rules });
} catch (error) {
  console.warn('touchtrail inspector:', error);
}
