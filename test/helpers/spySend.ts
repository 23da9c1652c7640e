import { vi } from 'vitest';
import type { Delivery, Send } from '../../src/types';

/** What the spy answers to one request: a status, a full Delivery, or a promise of either (to hold it open). */
export type Answer = number | Delivery | Promise<number | Delivery>;

export interface SentRequest {
  url: string;
  body: string;
  unloading: boolean;
  /** Date.now() when it was sent (fake time, under fake timers). */
  at: number;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
  /** `json.batch`, or [] when there is none. */
  events: any[];
}

/**
 * A `send` that records every request and answers from a script of statuses, in order; once the script is
 * used up it answers `fallback` (200 unless told otherwise).
 */
export const spySend = (...script: Answer[]) => {
  const answers = [...script];
  const requests: SentRequest[] = [];
  let fallback: Answer = 200;
  const send = vi.fn<Send>(async (url, body, unloading) => {
    let json: any;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    requests.push({ url, body, unloading, at: Date.now(), json, events: (json && json.batch) || [] });
    const answer = await (answers.length ? answers.shift()! : fallback);
    return typeof answer === 'number' ? { status: answer } : answer;
  });
  const extras = {
    requests,
    /** Appends answers to the script. */
    answer(...more: Answer[]) {
      answers.push(...more);
    },
    /** Sets what is answered once the script is used up. */
    otherwise(answer: Answer) {
      fallback = answer;
    },
    /** Every event of every request, in the order they were sent. */
    get events(): any[] {
      return requests.flatMap((r) => r.events);
    },
    /** The messageIds of every event sent, in order (with repeats). */
    get messageIds(): string[] {
      return requests.flatMap((r) => r.events.map((e) => e.messageId));
    },
  };
  // defineProperties, not Object.assign: the getters must stay getters.
  return Object.defineProperties(send, Object.getOwnPropertyDescriptors(extras)) as typeof send & typeof extras;
};

export type SpySend = ReturnType<typeof spySend>;
