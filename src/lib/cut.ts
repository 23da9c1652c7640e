/**
 * The first `max` UTF-16 units of `text`, never half a character: a cut through an emoji would leave a lone
 * surrogate, which JSON carries but databases refuse (DuckDB's JSON, Postgres' jsonb), and with it the whole batch.
 */
export const cut = (text: string, max: number) => text.slice(0, /[\ud800-\udbff]/.test(text[max - 1] || '') ? max - 1 : max);
