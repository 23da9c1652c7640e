/**
 * `value` with every string in it, keys included, made well-formed UTF-16: a lone surrogate becomes U+FFFD.
 * JSON.parse takes "\ud83d" (half an emoji, as a text cut at a length leaves it), but DuckDB's JSON type refuses
 * it, so without this a batch holding one would never be stored, however often it came back.
 */
export const wellFormed = (value) => {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (typeof value !== 'object' || value === null) return value;
  const copy = {};
  // defineProperty, not assignment: a key "__proto__" stays a key, as JSON.parse made it.
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key.toWellFormed(), { value: wellFormed(item), enumerable: true, writable: true, configurable: true });
  }
  return copy;
};
