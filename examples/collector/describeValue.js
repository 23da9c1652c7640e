/** Names a wrong value in an error message, short enough to read and never the whole of a huge value. */
export const describeValue = (value) => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
};
