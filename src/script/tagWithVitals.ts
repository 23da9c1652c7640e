// The script-tag build with web vitals (dist/touchtrail.vitals.min.js): the tag's tracker with every capture, and a
// Page Experience per page view. A separate file because web-vitals and its attribution more than double the tag.
import type { Emit } from '../types';
import './tag';
import { webVitals } from '../capture/webVitals';

try {
  const script = (document.currentScript || document.querySelector('script[data-collector]')) as HTMLScriptElement | null;
  const data = script?.dataset || {};
  // The tag has replaced the stub with the tracker, unless its options were wrong (it said so in the console).
  const track = (window as unknown as { touchtrail?: { track?: Emit } }).touchtrail?.track;
  if (track && data.webVitals !== 'false') {
    webVitals({ momentsOfTruth: data.momentsOfTruth?.split(/[\s,]+/).filter(Boolean) })(
      track,
      (error) => data.debug === 'true' && console.warn('touchtrail:', error),
      // Outside the tracker it cannot know the consent: it stores nothing anyway.
      () => false,
    );
  }
} catch (error) {
  console.error(error);
}
