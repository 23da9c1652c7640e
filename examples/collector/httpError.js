/**
 * An error with the HTTP status it is answered with; `headers` are added to the answer (Allow, Retry-After…).
 * Errors without a status are the collector's own fault, answered 500.
 */
export const httpError = (status, message, headers) => Object.assign(new Error(message), { status, headers });
