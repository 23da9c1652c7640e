let encoder: TextEncoder | undefined;

/** The UTF-8 size of a string: what counts against the browser's 64 KB keepalive budget. */
export const byteLength = (text: string): number => (encoder ||= new TextEncoder()).encode(text).length;
