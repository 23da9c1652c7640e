import { storage } from '../lib/storage';
import { uuid } from '../lib/uuid';

const SESSION_TIMEOUT = 30 * 60_000;

/**
 * Who the visitor is: an anonymous id that lasts, the user id given to `identify`, and the current session.
 * Kept in localStorage rather than IndexedDB because every event needs them synchronously; where storage is
 * blocked, or may not be written (consent pending, a privacy signal), they last as long as the page. `recall`
 * false (a privacy signal) also leaves alone what an earlier visit stored: the page gets identifiers of its own.
 */
export const createIdentity = (persist: boolean, recall = true) => {
  const key = (name: string) => `touchtrail.${name}`;
  const memory: Record<string, string> = {};
  const read = (name: string) => memory[name] ?? (recall ? storage.get(key(name)) : null);
  const write = (name: string, value: string) => {
    memory[name] = value;
    if (persist) storage.set(key(name), value);
  };
  const anonymousId = read('aid') || uuid();
  write('aid', anonymousId);
  memory.uid = read('uid') || '';

  return {
    anonymousId,
    get userId() {
      return memory.uid || null;
    },
    set userId(id: string | null) {
      write('uid', id || '');
    },
    /**
     * The session of a touchpoint at `time`: a new one after 30 idle minutes, or when a visitor arrives from
     * another campaign. Read from storage each time, so that the tabs of one visitor share their session.
     */
    session(time: number, campaign = ''): string {
      // Storage first: another tab may have moved the session on.
      let [id, lastSeen, sessionCampaign] = ((persist && storage.get(key('session'))) || memory.session || '').split(' ');
      if (!id || time - +lastSeen! > SESSION_TIMEOUT || (campaign && campaign !== sessionCampaign)) {
        id = uuid();
        sessionCampaign = campaign;
      }
      write('session', `${id} ${time} ${sessionCampaign || ''}`);
      return id;
    },
    /** Starts (or stops) keeping identity in storage; starting writes what was kept in memory so far. */
    persist(on: boolean) {
      persist = on;
      // Own keys only: a page that added to Object.prototype must not have its additions stored.
      if (on) Object.keys(memory).forEach((name) => storage.set(key(name), memory[name]!));
    },
  };
};
