/** `part` of `whole` as a whole percentage ("33%"), or an en dash when there is no whole to speak of. */
export const percent = (part, whole) => (whole ? `${Math.round((part / whole) * 100)}%` : '–');
