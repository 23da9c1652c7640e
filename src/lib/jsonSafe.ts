import { cut } from './cut';

/**
 * A copy of `value` that JSON and IndexedDB take as they are: dates become ISO strings, BigInts strings;
 * functions, symbols, DOM nodes, cycles and what lies too deep are left out, each reported to `dropped`
 * with its path; long strings and long arrays are cut.
 */
export const jsonSafe = (
  value: unknown,
  dropped: (path: string, why: string) => void,
  path = '',
  depth = 0,
  seen: unknown[] = [],
  // Values visited in all, so that a graph whose levels share references cannot cost 10^depth visits.
  budget = { left: 10_000 },
): unknown => {
  // Past the budget everything is left out, and said once.
  if (--budget.left < 0) return budget.left == -1 ? dropped(path, 'past the 10,000 values a touchpoint may hold') : undefined;
  switch (typeof value) {
    case 'string':
      return value.length > 8192 ? cut(value, 8192) + '…' : value;
    case 'number':
      return isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return String(value);
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) return null;
      try {
        return jsonObject(value, dropped, path, depth, seen, budget);
      } catch {
        // A revoked Proxy, or one whose traps throw.
        return dropped(path, 'an object that cannot be read');
      }
    default:
      return dropped(path, `a ${typeof value}`);
  }
};

const jsonObject = (
  value: object,
  dropped: (path: string, why: string) => void,
  path: string,
  depth: number,
  seen: unknown[],
  budget: { left: number },
): unknown => {
  if (value instanceof Date) return isNaN(+value) ? null : value.toISOString();
  if (typeof (value as Node).nodeType == 'number') return dropped(path, 'a DOM node');
  if (seen.includes(value)) return dropped(path, 'a circular reference');
  if (depth > 8) return dropped(path, 'nested too deep');
  seen = [...seen, value];
  // What JSON would send as {}: a Map's entries, a Set's values, an Error's name and message.
  if (value instanceof Map) value = Object.fromEntries(value);
  else if (value instanceof Set) value = [...value];
  else if (value instanceof Error) value = { name: value.name, message: value.message };
  // Arrays before toJSON: a page's Array.prototype.toJSON (Prototype.js) would turn them into strings.
  if (Array.isArray(value)) {
    return value.slice(0, 1000).map((item, i) => jsonSafe(item, dropped, `${path}[${i}]`, depth + 1, seen, budget) ?? null);
  }
  // Decimal, Temporal and the like say how they want to be sent.
  if (typeof (value as { toJSON?: unknown }).toJSON == 'function' && depth < 8) {
    try {
      return jsonSafe((value as { toJSON(): unknown }).toJSON(), dropped, path, depth + 1, seen, budget);
    } catch {
      return dropped(path, 'a toJSON that throws');
    }
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).slice(0, 500)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      // A getter that throws: a hostile or broken object.
      dropped(`${path}.${key}`, 'a getter that throws');
      continue;
    }
    const safe = jsonSafe(item, dropped, path ? `${path}.${key}` : key, depth + 1, seen, budget);
    if (safe !== undefined) copy[key] = safe;
  }
  return copy;
};
