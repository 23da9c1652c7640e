import { describeValue } from './describeValue.js';

// With an explicit offset only: a time without one means "local time" of some unknown machine. Date.parse alone
// would take far more ("1" is 2001, "March 7" some year's), each a silent guess.
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i;
// A day alone is that day from midnight UTC, as Date.parse reads it: for a report's range, not for an event.
const DAY = /^\d{4}-\d\d-\d\d$/;

// What the collector stores and reads back: DuckDB's TIMESTAMP text and JavaScript's ISO 8601 agree on four-digit
// years only, so an instant outside them, in UTC, could be neither stored nor shown.
const FIRST = Date.parse('0000-01-01T00:00:00Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Why a date that matched names a day the calendar does not have, or null. Date.parse takes any day up to 31 in
 * any month and rolls it over, so 2025-02-30 would be stored as March 2nd: a wrong day in the journey, silently.
 * (A month that does not exist, 13, it refuses itself.)
 */
const missingDay = (value) => {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  // Day 0 of the next month is the last day of this one.
  const last = new Date(Date.UTC(year, month, 0));
  const name = last.toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return day < 1 || day > last.getUTCDate() ? `${name} has ${last.getUTCDate()} days` : null;
};

/**
 * What is wrong with a date, as the end of a sentence that starts with its name, or null: an ISO 8601 date and
 * time with a time zone (`2025-03-01T10:00:00Z`, `…+02:00`), or with `day`, a date alone (`2025-03-01`), on a day
 * the calendar has, between the years 0000 and 9999 in UTC.
 *
 * @param {unknown} value
 * @param {{ day?: boolean }} [options]
 */
export const checkDate = (value, { day = false } = {}) => {
  const time = typeof value === 'string' && (DATE_TIME.test(value) || (day && DAY.test(value))) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    const what = day ? 'an ISO 8601 date (2025-03-01) or date and time with a time zone (2025-03-01T10:00:00Z)' : 'an ISO 8601 date with a time zone';
    return ` must be ${what}, got ${describeValue(value)}`;
  }
  const missing = missingDay(value);
  if (missing) return ` is not a day of the calendar: ${value.slice(0, 10)} (${missing})`;
  if (time < FIRST || time > LAST) return ` must lie in the years 0000 to 9999 in UTC, the times the collector can store and show, got ${value}`;
  return null;
};
