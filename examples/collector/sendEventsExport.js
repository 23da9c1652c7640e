import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkDate } from './checkDate.js';
import { httpError } from './httpError.js';

const TYPES = {
  // Registered with IANA in 2024; warehouses' loaders go by the extension anyway.
  parquet: 'application/vnd.apache.parquet',
  ndjson: 'application/x-ndjson',
};

/**
 * Answers with the stored events (all, or those received since `since`) as a Parquet or NDJSON file, written
 * by DuckDB (COPY) to a temporary file that is removed once sent: DuckDB writes files, not streams, and a file
 * lets the answer say its length.
 */
export const sendEventsExport = async (res, store, format, { since, headers = {} } = {}) => {
  let after;
  if (since) {
    const problem = checkDate(since, { day: true });
    if (problem) throw httpError(400, `since${problem}`);
    after = new Date(since);
  }
  const dir = await mkdtemp(join(tmpdir(), 'touchtrail-export-'));
  try {
    const file = join(dir, `events.${format}`);
    await store.exportEvents(format, file, { since: after });
    const { size } = await stat(file);
    const day = new Date().toISOString().slice(0, 10);
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[format],
      'Content-Length': size,
      'Content-Disposition': `attachment; filename="touchtrail-events-${day}.${format}"`,
      'Cache-Control': 'no-store',
    });
    await pipeline(createReadStream(file), res);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
