/** How much a queue holds before it drops its oldest events. */
export interface QueueBounds {
  /** @default 5000 */
  maxEvents?: number;
  /** Serialised size in bytes. @default 5000000 */
  maxBytes?: number;
}
