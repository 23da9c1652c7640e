// The script-tag build with web vitals (dist/touchtrail.vitals.min.js): the tag's tracker with every capture, and a
// Page Experience per page view. A separate file because web-vitals and its attribution more than double the tag.
import { webVitals } from '../capture/webVitals';
import { startTag } from './startTag';

// A capture of the tracker like the others, so that touchtrail.stop() stops it and consent applies to it.
startTag((data, list) => (data.webVitals !== 'false' ? [webVitals({ momentsOfTruth: list(data.momentsOfTruth) })] : []));
