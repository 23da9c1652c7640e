import { readFileSync } from 'node:fs';
import { checkDate } from './checkDate.js';
import { httpError } from './httpError.js';

// Each figure is one SQL file in ./sql, over the journey_touchpoints view, so that the same queries can be run
// by hand in DuckDB, or on a warehouse once the view is rewritten there (docs/journey-map.md).
const SQL = Object.fromEntries(
  ['totals', 'stage_volume', 'map', 'funnel', 'checkout', 'channels', 'moments', 'experience'].map((name) => [
    name,
    readFileSync(new URL(`./sql/journey_${name}.sql`, import.meta.url), 'utf8'),
  ]),
);

// DuckDB reads TIMESTAMP columns back as "2025-03-01 12:00:00"; the API speaks ISO 8601 in UTC.
const iso = (value) => (value ? new Date(`${String(value).replace(' ', 'T')}Z`).toISOString() : null);

/** A `from`/`to` query value as an ISO instant, or null when it is absent; throws with a message when it is wrong. */
const instant = (value, name) => {
  if (value === undefined || value === null || value === '') return null;
  const problem = checkDate(value, { day: true });
  if (problem) throw httpError(400, `${name}${problem}`);
  return new Date(value).toISOString();
};

/**
 * The customer journey, as the journey page draws it and /api/journey gives it: every figure comes from one
 * SQL file over the events the collector stored.
 *
 * @param {(sql: string, values?: object) => Promise<object[]>} query Runs SQL: the store's `query`, or the one
 *   `withJourney` passes, which reads a snapshot of journey_touchpoints.
 * @param {object} [options]
 * @param {string[]} options.stages The stages, first to last.
 * @param {string} [options.from] Only touchpoints at or after this time: an ISO 8601 date and time with a time zone,
 *   or a date alone (midnight UTC). @default all
 * @param {string} [options.to] Only touchpoints before this time. @default all
 */
export const journeyReport = async (query, { stages, from, to } = {}) => {
  const range = { from: instant(from, 'from'), to: instant(to, 'to') };
  // NULL is no bound: without a range, every stored event counts, whatever its clock said.
  const values = { from: range.from?.replace('Z', '') ?? null, to: range.to?.replace('Z', '') ?? null };
  // One after the other: they share one DuckDB connection.
  const results = [];
  for (const name of Object.keys(SQL)) results.push(await query(SQL[name], values));
  const [[totals], volume, map, funnel, checkout, channels, moments, experience] = results;

  // Every configured stage has a column, with or without touchpoints; stages only the data knows (sent by an
  // SDK configured with other stages) follow them, so that nothing stored is hidden.
  const names = [...stages, ...new Set(volume.map((row) => row.stage).filter((stage) => stage && !stages.includes(stage)))];
  const byStage = (rows, stage) => rows.filter((row) => row.stage === stage);

  return {
    generatedAt: new Date().toISOString(),
    from: range.from,
    to: range.to,
    stages: names,
    totals: {
      visitors: totals.visitors,
      sessions: totals.sessions,
      touchpoints: totals.touchpoints ?? 0,
      orders: totals.orders ?? 0,
      revenue: totals.revenue ?? 0,
      firstAt: iso(totals.first_at),
      lastAt: iso(totals.last_at),
      // How much of the map the report had to fill in itself; see sql/journey_touchpoints.sql.
      stagedByReport: totals.staged_by_report ?? 0,
      channelByReport: totals.channel_by_report ?? 0,
    },
    map: names.map((stage) => {
      const [row] = byStage(volume, stage);
      return {
        stage,
        touchpoints: row?.touchpoints ?? 0,
        visitors: row?.visitors ?? 0,
        sessions: row?.sessions ?? 0,
        items: byStage(map, stage).map((item) => ({
          touchpoint: item.touchpoint,
          kind: item.kind,
          touchpoints: item.touchpoints,
          visitors: item.visitors,
          momentOfTruth: item.moment_of_truth,
        })),
      };
    }),
    funnel: funnel.map((row) => ({
      stage: row.stage,
      visitors: row.visitors,
      dropOff: row.drop_off === null ? null : Number(row.drop_off),
      dropOffRate: row.drop_off_rate,
    })),
    checkout: checkout.map((row) => ({
      step: row.step,
      stepName: row.step_name,
      sessions: row.sessions,
      abandoned: row.abandoned,
      abandonRate: row.sessions ? row.abandoned / row.sessions : null,
    })),
    channels: names.map((stage) => ({
      stage,
      channels: byStage(channels, stage).map(({ channel, visitors, touchpoints }) => ({ channel, visitors, touchpoints })),
    })),
    moments: moments.map((row) => ({
      touchpoint: row.touchpoint,
      stage: row.stage_position ? names[row.stage_position - 1] : row.stage,
      visitors: row.visitors,
      bought: row.bought,
      wentFurther: row.went_further,
      wentNoFurther: row.went_no_further,
    })),
    experience: experience.map((row) => ({
      stage: row.stage,
      pages: row.pages,
      p75: { lcp: row.lcp, inp: row.inp, cls: row.cls, fcp: row.fcp, ttfb: row.ttfb },
      ratings: { good: row.good, needsImprovement: row.needs_improvement, poor: row.poor },
      slowMomentsOfTruth: row.slow_moments,
    })),
  };
};
