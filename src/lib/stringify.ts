/**
 * JSON.stringify that survives Prototype.js-era pages: their Array.prototype.toJSON turns every array into a
 * string, which would send `"batch": "[…]"`. It is set aside for the call and put back.
 */
export const stringify = (value: unknown): string => {
  const arrays = Array.prototype as { toJSON?: unknown };
  const toJSON = arrays.toJSON;
  if (toJSON) delete arrays.toJSON;
  try {
    return JSON.stringify(value);
  } finally {
    if (toJSON) arrays.toJSON = toJSON;
  }
};
