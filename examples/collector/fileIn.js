import { resolve, sep } from 'node:path';

/**
 * The file of directory `dir` that a URL path (relative to where the directory is served) names, or null when
 * it would leave the directory: `..`, encoded or not, never reaches a file outside it.
 */
export const fileIn = (dir, path) => {
  let relative;
  try {
    relative = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  if (relative.endsWith('/') || relative === '') relative += 'index.html';
  const file = resolve(dir, `.${sep}${relative}`);
  return file.startsWith(dir + sep) ? file : null;
};
