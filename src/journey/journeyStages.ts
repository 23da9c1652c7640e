import type { Processor, Touchpoint } from '../types';
import type { Rules } from './parseRules';
import { defaultStages } from '../lib/defaultStages';
import { adMedium } from '../lib/adMedium';
import { derive } from '../lib/derive';
import { matchPath } from '../lib/matchPath';
import { storage } from '../lib/storage';

/** Options of `journeyStages`. */
export interface JourneyStagesOptions {
  /**
   * The site's stages, first to last: rename, drop or reorder the defaults. A rules document's own `stages` wins
   * over these once it has loaded.
   * @default ['awareness', 'consideration', 'decision', 'purchase', 'retention', 'advocacy']
   */
  stages?: string[];
  /**
   * Where the built-in defaults go when stages are renamed or dropped: `{ decision: 'buy', purchase: 'buy' }` puts
   * checkout steps and orders in `buy`; `null` switches a default off. A default whose stage is neither listed nor
   * mapped does not apply.
   * @default {} (each default stage is itself, when listed)
   */
  defaults?: Record<string, string | null>;
  /**
   * Marketer rules (see `parseRules`), or a promise of them such as `loadRules(url)`. The tracker holds touchpoints
   * until the promise settles, for a second at most (and not once the page is hidden); what it processes before
   * then gets explicit stages and the built-in defaults only.
   * @default no rules
   */
  rules?: Rules | Promise<Rules>;
}

const KEY = 'touchtrail.stage';

// A page reached from an ad: an ad click id, or a utm_medium GA4 calls paid or display (adMedium, below).
const CLICK_ID = /[?&](\w*clk?id|\w*braid|li_fat_id|epik|rdt_cid|sccid)=/i;

// The built-in default stage of a touchpoint, first match wins, tested against " ad" + path for a page view (so a
// paid landing is awareness whatever the page) and "event kind linkType href" for the rest. Words are whole words
// (anything but a letter ends one: / - _ . digits), so /account/preferences is no referral, /products/42/preview no
// review, /shareholders no share and /design-inspiration no sign-in. examples/collector/sql/journey_touchpoints.sql
// repeats these, and a test checks that both give every touchpoint the same stage.
const DEFAULTS: [string, RegExp][] = [
  ['awareness', /^ ad/],
  ['purchase', /^Order Completed/],
  ['decision', / checkout_step/],
  ['advocacy', /(^|[^a-z])(reviews?|reviewed|refer|referrals?|invite[sd]?|invitations?|share|sharing|trustpilot)([^a-z]|$)/i],
  ['retention', /(^|[^a-z])(accounts?|help|helpdesk|support|chat|faqs?|log-?in|sign-?in|docs?|documentation)([^a-z]|$)/i],
  ['consideration', /(^|[^a-z])(products?|pricing|plans?|compare|comparisons?|features?|vs)([^a-z]|$)/i],
];

/**
 * Sets `properties.stage` on every touchpoint, from (first found wins) an explicit stage (`data-touchpoint-stage`,
 * `track()`'s `stage`), a marketer rule, the built-in default for its kind, or else the furthest stage the visitor
 * has reached (the first stage for a new visitor); `properties.stageFrom` says which: `explicit`, `rule`, `default`,
 * `journey`. Also sets `interaction` (`indirect` for what the visitor only saw: page views, engagement, `… Viewed`,
 * an abandoned checkout; `direct` for what they did), rule names and `momentOfTruth`.
 *
 * The furthest stage reached is remembered across visits; a touchpoint further than it is followed by a
 * `Journey Stage Reached` touchpoint (`touchpointKind: 'stage_reached'`, `from`, `to`, `cause: { name, messageId }`).
 * Put it before `channels()` so that those touchpoints get a channel too.
 */
export const journeyStages = (options: JourneyStagesOptions = {}): Processor => {
  // A promise reads as a document without rules until it resolves.
  let rules = (options.rules || {}) as Rules;
  const loaded = Promise.resolve(rules).then((loaded) => (rules = loaded || {}), () => {});
  // localStorage rather than IndexedDB: a processor is synchronous, and so must be reading where the visitor is.
  // Where storage is blocked, or `persist` is false (consent not given), the journey lasts as long as the page.
  let memory: string | null = null;

  const processor: Processor = (t: Touchpoint, element?: Element, persist = true) => {
    // The tracker drops a touchpoint whose processor throws: a journey problem must cost the stage, not the touchpoint.
    try {
      const p = t.properties;
      const kind = p.touchpointKind;
      if (kind == 'stage_reached') return t;
      const stages = rules.stages || options.stages || defaultStages;
      const defaults = { ...options.defaults, ...rules.defaults };
      const { path, search } = t.context.page;
      const page = t.type == 'page';
      const listed = (stage: unknown) => stages.includes(stage as string);
      const matching = (rules.touchpoints || []).filter((r) => {
        try {
          return (
            (!r.selector || element?.closest(r.selector)) &&
            (!r.url || matchPath(r.url, path)) &&
            (!r.event || r.event == t.event || r.event == p.touchpoint) &&
            (!r.kind || r.kind == kind) &&
            // Without case, as channels and GA4 compare media: a rule "qr" is a link tagged utm_medium=QR.
            (!r.utmMedium || r.utmMedium.toLowerCase() == t.context.campaign?.medium?.toLowerCase())
          );
        } catch {} // a selector the browser cannot parse matches nothing
      });
      // Blocked storage, or none allowed: the journey so far in this page.
      const furthest = (persist && storage.get(KEY)) || memory;
      // Undefined for a new visitor, and for one whose stage the list no longer has.
      const reached = stages[stages.indexOf(furthest!)];

      const explicit = p.stage || p.touchpointStage;
      delete p.touchpointStage;
      if (explicit && !listed(explicit)) console.warn(`touchtrail: stage "${explicit}" is not one of ${stages}; ignored.`);
      const described = page
        ? (CLICK_ID.test(search) || adMedium((new URLSearchParams(search).get('utm_medium') || '').toLowerCase()).includes(true) ? ' ad' : '') + path
        : [t.event, kind, p.linkType, p.href].join(' ');
      const [stage, from] = [
        [explicit, 'explicit'],
        [matching.map((r) => r.stage).find(listed), 'rule'],
        [DEFAULTS.map(([d, test]) => test.test(described) && (d in defaults ? defaults[d] : d)).find(listed), 'default'],
      ].find(([s]) => listed(s)) || [reached || stages[0], 'journey'];
      p.stage = stage;
      p.stageFrom = from;

      // A name from markup or code (a tagged element's, or anything but the event's own name) wins over a rule's.
      const name = matching.find((r) => r.name)?.name;
      if (name && kind != 'tagged' && p.touchpoint == (t.event || 'Page View')) p.touchpoint = name;
      const moment = p.momentOfTruth ?? matching.find((r) => r.momentOfTruth != null)?.momentOfTruth;
      if (moment && moment != 'false') p.momentOfTruth = true;
      else delete p.momentOfTruth;
      p.interaction ||= page || kind == 'engagement' || / Viewed$|^Checkout Abandoned$/.test(t.event!) ? 'indirect' : 'direct';

      if (stages.indexOf(stage as string) <= stages.indexOf(reached!)) return t;
      memory = stage as string;
      if (persist) storage.set(KEY, memory);
      return [
        t,
        derive(t, 'Journey Stage Reached', {
          touchpointKind: 'stage_reached',
          stage,
          from: reached || null,
          to: stage,
          cause: { name: p.touchpoint, messageId: t.messageId },
        }),
      ];
    } catch {
      return t;
    }
  };
  // A rules file still on its way: the tracker holds touchpoints for it (a second at most), so that the first page
  // view of a visit is tagged by the rules rather than the defaults.
  if ((rules as Partial<Promise<Rules>>).then) processor.ready = loaded;
  return processor;
};
