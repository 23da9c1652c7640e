import { storage } from '../lib/storage';
import { uuid } from '../lib/uuid';

const SESSION_TIMEOUT = 30 * 60_000;

/**
 * Who the visitor is: an anonymous id that lasts, the user id given to `identify`, and the current session.
 * Kept in localStorage rather than IndexedDB because every event needs them synchronously; where storage is
 * blocked they last as long as the page.
 */
export const createIdentity = (prefix = 'touchtrail') => {
  const key = (name: string) => `${prefix}.${name}`;
  let anonymousId = storage.get(key('aid'));
  if (!anonymousId) storage.set(key('aid'), (anonymousId = uuid()));
  let userId = storage.get(key('uid')) || null;
  let session = '';

  return {
    anonymousId,
    get userId() {
      return userId;
    },
    set userId(id: string | null) {
      userId = id;
      storage.set(key('uid'), id || '');
    },
    /**
     * The session of a touchpoint at `time`: a new one after 30 idle minutes, or when a visitor arrives from
     * another campaign. Read from storage each time, so that the tabs of one visitor share their session.
     */
    session(time: number, campaign = ''): string {
      let [id, lastSeen, sessionCampaign] = (storage.get(key('session')) || session).split(' ');
      if (!id || time - +lastSeen! > SESSION_TIMEOUT || (campaign && campaign !== sessionCampaign)) {
        id = uuid();
        sessionCampaign = campaign;
      }
      storage.set(key('session'), (session = `${id} ${time} ${sessionCampaign || ''}`));
      return id;
    },
  };
};
