import { DuckDBInstance } from '@duckdb/node-api';

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
    properties.momentOfTruth === undefined || properties.momentOfTruth === null ? null : Boolean(properties.momentOfTruth),
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

/** Rows as plain objects, with the JSON columns parsed back. */
const readRows = (reader) =>
  reader.getRowObjectsJson().map((row) => {
    for (const key of ['properties', 'context']) if (typeof row[key] === 'string') row[key] = JSON.parse(row[key]);
    return row;
  });

/**
 * Opens (or creates) the DuckDB database the collector writes to: a file path, or ':memory:'.
 * Returns plain functions over it; every one of them waits for the ones called before it.
 */
export const openStore = async (database) => {
  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  await connection.run(SCHEMA);

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
        for (const event of batch) accepted += (await connection.run(INSERT_EVENT, toRow(event, receivedAt))).rowsChanged;
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
