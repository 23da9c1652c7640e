import { checkDate } from './checkDate.js';
import { describeValue as describe } from './describeValue.js';

// The Segment Spec's event types: touchtrail sends track, page and identify, and a reference collector that
// speaks the spec takes the others too, so any Segment-compatible client can point at it.
const TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'];

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const given = (value) => value !== undefined && value !== null;

/**
 * What is wrong with one event, as the end of a sentence that starts with its place (`batch[3]`), or null.
 * Only what the collector relies on is checked: anything else a client sends is kept as it is in `raw`.
 */
const checkEvent = (event) => {
  if (!isObject(event)) return ` must be an object, got ${describe(event)}`;
  const { messageId, type } = event;
  if (!given(messageId)) return '.messageId is missing';
  if (typeof messageId !== 'string' || !messageId) return `.messageId must be a non-empty string, got ${describe(messageId)}`;
  if (!given(type)) return '.type is missing';
  if (!TYPES.includes(type)) return `.type must be one of ${TYPES.join(', ')}, got ${describe(type)}`;
  if (type === 'track' && (typeof event.event !== 'string' || !event.event)) {
    return given(event.event) ? `.event must be a non-empty string, got ${describe(event.event)}` : '.event is missing (a track event needs one)';
  }
  // The Segment Spec asks for one of the two: without either, an event belongs to no one.
  const hasId = (id) => (typeof id === 'string' && id !== '') || typeof id === 'number';
  if (!hasId(event.anonymousId) && !hasId(event.userId)) return ' needs an anonymousId or a userId';
  const date = given(event.timestamp) && checkDate(event.timestamp);
  if (date) return `.timestamp${date}`;
  for (const key of ['properties', 'context', 'traits']) {
    if (given(event[key]) && !isObject(event[key])) return `.${key} must be an object, got ${describe(event[key])}`;
  }
  if (given(event.context?.page) && !isObject(event.context.page)) {
    return `.context.page must be an object, got ${describe(event.context.page)}`;
  }
  return null;
};

/**
 * What is wrong with a parsed batch body, in one sentence a client developer can act on, or null when every
 * event can be stored. A batch is taken whole or not at all, so a client never has to work out which part
 * of a refused batch went in.
 */
export const checkBatch = (body) => {
  if (!isObject(body)) return `the body must be a JSON object like {"batch": [...]}, got ${describe(body)}`;
  if (!given(body.batch)) return 'batch is missing';
  if (!Array.isArray(body.batch)) return `batch must be an array, got ${describe(body.batch)}`;
  for (const key of ['dropped', 'failed']) {
    if (given(body[key]) && !(Number.isInteger(body[key]) && body[key] >= 0)) {
      return `${key} must be a whole number of events (0 or more), got ${describe(body[key])}`;
    }
  }
  const sent = given(body.sentAt) && checkDate(body.sentAt);
  if (sent) return `sentAt${sent}`;
  for (let i = 0; i < body.batch.length; i++) {
    const problem = checkEvent(body.batch[i]);
    if (problem) return `batch[${i}]${problem}`;
  }
  return null;
};
