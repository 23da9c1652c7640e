import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { wellFormed } from './wellFormed.js';

/** The journey stages when a site names none of its own, first to last, as the SDK's defaultStages. */
const DEFAULT_STAGES = ['awareness', 'consideration', 'decision', 'purchase', 'retention', 'advocacy'];

// The journey report's view, kept in its own .sql file so that it can be read, and run elsewhere, as SQL.
const JOURNEY_VIEW = readFileSync(new URL('./sql/journey_touchpoints.sql', import.meta.url), 'utf8');

// The touchpoint fields get columns of their own so that the journey report is plain SQL
// (`GROUP BY stage, touchpoint`); the whole event stays in `raw`, so nothing a client sent is lost.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    message_id VARCHAR PRIMARY KEY,
    type VARCHAR NOT NULL,
    event VARCHAR,
    name VARCHAR,
    touchpoint VARCHAR,
    touchpoint_kind VARCHAR,
    stage VARCHAR,
    channel VARCHAR,
    moment_of_truth BOOLEAN,
    anonymous_id VARCHAR,
    user_id VARCHAR,
    session_id VARCHAR,
    url VARCHAR,
    path VARCHAR,
    referrer VARCHAR,
    timestamp TIMESTAMP,
    received_at TIMESTAMP NOT NULL,
    properties JSON,
    context JSON,
    raw JSON
  );
  CREATE TABLE IF NOT EXISTS batches (
    received_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    events INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    dropped INTEGER NOT NULL,
    failed INTEGER NOT NULL
  );
  -- No key constraints: they are checked in openStore, and a key deleted and inserted again in one
  -- transaction is a conflict to DuckDB.
  CREATE TABLE IF NOT EXISTS journey_stages (
    position INTEGER NOT NULL,
    stage VARCHAR NOT NULL
  );
`;

// A messageId already stored means a retry whose first outcome the client never learnt: ignoring it is
// how at-least-once delivery becomes exactly-once storage.
const INSERT_EVENT = `
  INSERT OR IGNORE INTO events VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
`;

const INSERT_BATCH = 'INSERT INTO batches VALUES ($1, $2, $3, $4, $5, $6, $7)';

// TIMESTAMP columns hold UTC; the API gives them back as ISO 8601 so that browsers parse them as UTC.
const iso = (column) => `strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

const LATEST_EVENTS = `
  SELECT message_id AS "messageId", type, event, name, touchpoint, touchpoint_kind AS "touchpointKind", stage,
    channel, moment_of_truth AS "momentOfTruth", anonymous_id AS "anonymousId", user_id AS "userId",
    session_id AS "sessionId", url, path, referrer, ${iso('timestamp')} AS timestamp,
    ${iso('received_at')} AS "receivedAt", properties, context
  FROM events
  ORDER BY received_at DESC, timestamp DESC, message_id
  LIMIT $1
`;

// What an export holds: every column, times as ISO 8601 in UTC so that a warehouse loading the NDJSON reads
// them as the instants they are (Parquet keeps its own TIMESTAMP type, which warehouses read as UTC).
const EXPORT_COLUMNS = {
  parquet: '*',
  ndjson: `* REPLACE (${iso('timestamp')} AS timestamp, ${iso('received_at')} AS received_at)`,
};

/** A path as an SQL string literal: COPY takes no parameter for its file. */
const literal = (text) => `'${String(text).replaceAll("'", "''")}'`;

const STATS = `
  SELECT
    (SELECT count(*) FROM events)::INTEGER AS events,
    count(*)::INTEGER AS batches,
    coalesce(sum(duplicates), 0)::INTEGER AS duplicates,
    coalesce(sum(dropped), 0)::INTEGER AS dropped,
    coalesce(sum(failed), 0)::INTEGER AS failed
  FROM batches
`;

/** Any value as column text: ids and stages are strings from touchtrail, but other clients may send numbers. */
const text = (value) => (value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value));

// DuckDB casts a string to TIMESTAMP by dropping its offset, so "10:00+02:00" would be stored as 10:00 UTC.
const utc = (date) => new Date(date).toISOString();

/** One event as the values of INSERT_EVENT, in the column order of the table. */
const toRow = (event, receivedAt) => {
  const properties = event.properties || {};
  const context = event.context || {};
  const page = context.page || {};
  return [
    event.messageId,
    event.type,
    text(event.event),
    text(event.name),
    // Segment clients other than touchtrail send no touchpoint name; their event or page name is the closest.
    text(properties.touchpoint ?? event.event ?? event.name),
    text(properties.touchpointKind),
    text(properties.stage),
    text(properties.channel),
    // Only true and "true" (a data-touchpoint-moment-of-truth attribute that no processor read): "false" is a
    // non-empty string, and Boolean() would make it a moment of truth.
    properties.momentOfTruth === undefined || properties.momentOfTruth === null ? null : String(properties.momentOfTruth) === 'true',
    text(event.anonymousId),
    text(event.userId),
    text(context.sessionId),
    // analytics.js puts a page event's url and path in its properties as well as its context.
    text(page.url ?? properties.url),
    text(page.path ?? properties.path),
    text(page.referrer ?? properties.referrer),
    event.timestamp ? utc(event.timestamp) : receivedAt,
    receivedAt,
    JSON.stringify(properties),
    JSON.stringify(context),
    JSON.stringify(event),
  ];
};

// DuckDB's errors about a value it was given, as opposed to the database itself failing (I/O, memory, a
// transaction): sending the same value again cannot help.
const VALUE_ERROR = /^(Conversion|Invalid Input|Out of Range|Mismatch Type|Constraint) Error: /;

/** Rows as plain objects, with the JSON columns parsed back. */
const readRows = (reader) =>
  reader.getRowObjectsJson().map((row) => {
    for (const key of ['properties', 'context']) if (typeof row[key] === 'string') row[key] = JSON.parse(row[key]);
    return row;
  });

/**
 * Opens (or creates) the DuckDB database the collector writes to: a file path, or ':memory:'.
 * Returns plain functions over it; every one of them waits for the ones called before it.
 *
 * @param {string} database
 * @param {object} [options]
 * @param {string[]} [options.stages] The journey stages, first to last, as the site's SDK is configured.
 */
export const openStore = async (database, { stages = DEFAULT_STAGES } = {}) => {
  if (!Array.isArray(stages) || !stages.length || stages.some((s) => typeof s !== 'string' || !s) || new Set(stages).size !== stages.length) {
    throw new TypeError(`stages must be a list of distinct stage names, got ${JSON.stringify(stages)}`);
  }
  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  await connection.run(SCHEMA);
  // The stages are configuration, not history: each start writes the current list, which the view reads.
  await connection.run('BEGIN TRANSACTION');
  await connection.run('DELETE FROM journey_stages');
  for (const [index, stage] of stages.entries()) await connection.run('INSERT INTO journey_stages VALUES ($1, $2)', [index + 1, stage]);
  await connection.run('COMMIT');
  // Kept in the file, so that the DuckDB CLI on a stopped collector's file can SELECT from it too.
  await connection.run(JOURNEY_VIEW);

  // One connection does all the work, and one request's transaction must not take in another's statements;
  // separate connections would instead fail on each other's primary keys when two tabs retry the same event.
  let last = Promise.resolve();
  const serially = (work) => {
    const result = last.then(work);
    last = result.catch(() => {});
    return result;
  };

  const insertBatch = ({ batch, sentAt, dropped = 0, failed = 0 }, receivedAt = new Date().toISOString()) =>
    serially(async () => {
      await connection.run('BEGIN TRANSACTION');
      try {
        let accepted = 0;
        // A duplicate within the same batch is ignored too: the transaction sees its own earlier rows.
        for (const [index, event] of batch.entries()) {
          try {
            accepted += (await connection.run(INSERT_EVENT, toRow(wellFormed(event), receivedAt))).rowsChanged;
          } catch (error) {
            // A RangeError is the stack running out on an event nested thousands deep: its fault too.
            const why = error instanceof RangeError ? 'it is nested too deep' : VALUE_ERROR.test(error.message) && error.message.split('\n')[0];
            if (!why) throw error;
            // The event's own fault: `unstorable` tells the server to refuse the batch for good, not ask for it again.
            throw Object.assign(new Error(`batch[${index}] cannot be stored: ${why}`), { unstorable: true, cause: error });
          }
        }
        const duplicates = batch.length - accepted;
        await connection.run(INSERT_BATCH, [receivedAt, sentAt ? utc(sentAt) : null, batch.length, accepted, duplicates, dropped, failed]);
        await connection.run('COMMIT');
        return { accepted, duplicates };
      } catch (error) {
        await connection.run('ROLLBACK');
        throw error;
      }
    });

  return {
    insertBatch,
    /** The latest events, newest arrival first. */
    latestEvents: (limit = 50) => serially(async () => readRows(await connection.runAndReadAll(LATEST_EVENTS, [limit]))),
    /** Events stored, batches taken, and the duplicates, drops and failures they reported. */
    stats: () => serially(async () => readRows(await connection.runAndReadAll(STATS))[0]),
    /**
     * Writes the stored events to `file` as Parquet or NDJSON (DuckDB's COPY), for a warehouse to load as it is:
     * all of them, or those received at or after `since` (a Date), for loads that add only what is new.
     * @param {'parquet' | 'ndjson'} format
     * @param {string} file
     * @param {{ since?: Date }} [options]
     */
    exportEvents: (format, file, { since } = {}) =>
      serially(async () => {
        if (!EXPORT_COLUMNS[format]) throw new TypeError(`format must be parquet or ndjson, got ${format}`);
        const as = format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT json';
        // A Date, written by toISOString: nothing a client typed reaches the statement.
        const where = since ? `WHERE received_at >= ${literal(since.toISOString().replace('Z', ''))}::TIMESTAMP` : '';
        await connection.run(
          `COPY (SELECT ${EXPORT_COLUMNS[format]} FROM events ${where} ORDER BY received_at, timestamp, message_id) TO ${literal(file)} (${as})`,
        );
      }),
    /**
     * Runs `work(query)` with journey_touchpoints computed once, into a temporary table of the same name that the
     * figures' SQL reads instead of the view: one pass over the events for all the figures rather than one each,
     * and every figure from the same moment, with no batch stored in between.
     */
    withJourney: (work) =>
      serially(async () => {
        await connection.run('DROP TABLE IF EXISTS temp.journey_touchpoints');
        await connection.run('CREATE TEMP TABLE journey_touchpoints AS SELECT * FROM journey_touchpoints');
        try {
          return await work(async (sql, values) => readRows(await connection.runAndReadAll(sql, values)));
        } finally {
          await connection.run('DROP TABLE IF EXISTS temp.journey_touchpoints');
        }
      }),
    /** The journey stages, first to last. */
    stages: [...stages],
    /** Any SQL, for reports and tests: rows as JSON-friendly objects. */
    query: (sql, values) => serially(async () => readRows(await connection.runAndReadAll(sql, values))),
    /** Waits for what is under way, then closes the file, so that it can be opened again at once. */
    close: () =>
      serially(() => {
        connection.closeSync();
        instance.closeSync();
      }),
  };
};
