import type { Processor, Touchpoint } from '../types';
import { adMedium } from '../lib/adMedium';
import { storage } from '../lib/storage';

/** Options of `channels`. */
export interface ChannelsOptions {
  /**
   * Hosts whose referrers are the site itself besides the page's own host, each with its subdomains: a visitor
   * coming from shop.example.com to www.example.com has not arrived from anywhere.
   * @default []
   */
  internalHosts?: string[];
}

/** Where a visit came from: one landing, classified. */
export interface Touch {
  /** GA4's default channel group in snake case (`paid_search`, `organic_social`, …), or `offline`. */
  channel: string;
  /** `utm_source`, the ad platform of a click id, the referring site (`google`, `news.ycombinator.com`), or `(direct)`. */
  source: string;
  /** `utm_medium`, `cpc` (`cpm` for dclid) for an ad click id, `organic`, `email` or `referral` by the referrer, or `(none)`. */
  medium: string;
  campaign?: string;
  /** The landing page, without query or fragment. */
  landingPage: string;
  /** When, ISO 8601. */
  at: string;
}

const KEY = 'touchtrail.touch';

// Ad click ids (the ones redact() keeps), when no utm_* says otherwise: "parameter source [medium, if not cpc]".
// Facebook adds fbclid to organic links too, so a post shared without utm_* counts as paid: tag organic posts
// utm_medium=social.
const CLICK_IDS = (
  'gclid google,gbraid google,wbraid google,dclid dv360 cpm,msclkid bing,yclid yandex,fbclid facebook,ttclid tiktok,' +
  'li_fat_id linkedin,twclid twitter,epik pinterest,rdt_cid reddit,sccid snapchat'
).split(',');

// Short lists of the sites GA4 keeps long ones of, matched against a utm_source or a referrer's host: the name,
// behind subdomains of up to three letters (www., m., l., uk.) or search./images./mobile., before top-level domains
// (.com, .co.uk). So mail.google.com, docs.google.com and t.example.com are not search or social. Shopping first,
// as GA4 checks it first.
const SITES = [
  'shopping amazon|ebay|etsy|shopify|walmart|aliexpress|alibaba|mercadolibre|rakuten',
  'search google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|seznam|qwant|startpage|ask|sogou|so|daum|aol|brave|kagi',
  'social facebook|fb|instagram|ig|linkedin|lnkd|t|twitter|x|pinterest|reddit|tiktok|snapchat|threads|bsky|quora|vk|weibo|whatsapp|telegram|discord|tumblr|messenger|xing|nextdoor|mastodon|line',
  'video youtube|youtu|vimeo|twitch|dailymotion',
];
// Webmail, as a referrer: GA4 calls it a referral, but a link in an email is the email channel.
const WEBMAIL = /(^|\.)(e?mail|webmail|outlook|gmx)(\.|$)|\.gm$/;
const EMAIL = /^(email|e-mail|e_mail|e mail)$/;

/** The kind of site a utm_source or referring host is, and the site's short name: `['search', 'google']`. */
const site = (source: string) => {
  for (const entry of SITES) {
    const [kind, names] = entry.split(' ');
    const name = RegExp(`^(([a-z]{1,3}|search|images|mobile)\\.)*(${names})(\\.[a-z]{2,3})*$`).exec(source)?.[3];
    if (name) return [kind, name];
  }
  return [];
};

/**
 * GA4's default channel group (support.google.com/analytics/answer/9756891): its rules, in its order, in snake
 * case, plus `offline` for print and QR codes. GA4 compares without case; so do we, lowering source and medium.
 */
const channelOf = (source: string, medium: string, campaign: string) => {
  let [kind] = site(source);
  if (/(^|[^a-df-z])shop|shopping/.test(campaign)) kind = 'shopping';
  const [paid, display] = adMedium(medium);
  // The first that holds names the channel; the organic ones may go by the medium where the source says nothing.
  const channels: [string, unknown][] = [
    ['direct', source == '(direct)' && /^\((none|not set)\)$/.test(medium)],
    ['offline', /^(qr|print|offline)$/.test(medium)],
    ['cross_network', /cross-network/.test(campaign)],
    ['paid_' + kind, paid && kind],
    ['display', display],
    ['paid_other', paid],
    ['organic_shopping', kind == 'shopping'],
    ['organic_social', kind == 'social' || /^(social|social-network|social-media|sm|social network|social media)$/.test(medium)],
    ['organic_video', kind == 'video' || /video/.test(medium)],
    ['organic_search', kind == 'search' || medium == 'organic'],
    ['referral', /^(referral|app|link)$/.test(medium)],
    ['email', EMAIL.test(source) || EMAIL.test(medium)],
    ['affiliate', /^affiliates?$/.test(medium)],
    ['audio', medium == 'audio'],
    ['sms', source == 'sms' || medium == 'sms'],
    ['mobile_push', /push$|mobile|notification/.test(medium) || source == 'firebase'],
    ['unassigned', 1],
  ];
  return channels.find(([, holds]) => holds)![0];
};

/**
 * Sets `properties.channel` on every touchpoint: where the visitor's current visit came from, classified from its
 * landing (the first touchpoint of a session, or any touchpoint whose URL carries utm_* or an ad click id) by
 * `utm_*` parameters, ad click ids (gclid, fbclid, msclkid, ttclid, …) and the referrer (search engine, social
 * network, webmail, another site, none; the site's own pages are none). Also attaches the visitor's `firstTouch`
 * and `lastTouch` (see `Touch`), kept across visits; `lastTouch` is the last that was not direct, as in GA4's
 * last-click attribution, so that coming back by bookmark does not erase the campaign that brought the visitor.
 */
export const channels = ({ internalHosts = [] }: ChannelsOptions = {}): Processor => {
  // localStorage, not IndexedDB: a processor is synchronous. Where storage is blocked, or `persist` is false
  // (consent not given), visits last as long as the page.
  let memory = '';
  return (t: Touchpoint, _element?: Element, persist = true) => {
    // The tracker drops a touchpoint whose processor throws: a classification problem must not cost the touchpoint.
    try {
      const { url, referrer } = t.context.page;
      const here = new URL(url);
      const params: Record<string, string> = {};
      here.searchParams.forEach((value, key) => (params[key.toLowerCase()] = value));
      const [id, clickSource, clickMedium = 'cpc'] = CLICK_IDS.map((entry) => entry.split(' ')).find(([id]) => params[id!]) || [];
      const campaign = params.utm_campaign;
      // What marks a new arrival in the middle of a session: utm_* or an ad click id in the URL.
      const mark = [params.utm_source, params.utm_medium, campaign, params[id!]].join('');
      const note = (persist && storage.get(KEY)) || memory;
      let state: { s?: string; m?: string; c?: string; f?: Touch; l?: Touch } = {};
      try {
        state = JSON.parse(note);
      } catch {} // none, or damaged: start afresh
      if (state.s != t.context.sessionId || (mark && mark != state.m)) {
        // Lower case, as GA4 compares them: Facebook and facebook are one source.
        let source = params.utm_source?.toLowerCase() || clickSource;
        let medium = params.utm_medium?.toLowerCase() || (id && clickMedium);
        let from: URL | undefined;
        try {
          from = new URL(referrer);
        } catch {} // none, or none that can be read
        if (!source && !medium && from) {
          const host = from.hostname.replace(/^www\./, '');
          const internal = from.host == here.host || internalHosts.some((h) => ('.' + from.hostname).endsWith('.' + h));
          if (!internal) {
            const [kind, name] = site(host);
            source = name || host;
            medium = WEBMAIL.test(host) ? 'email' : kind == 'search' ? 'organic' : 'referral';
          }
        }
        source ||= '(direct)';
        medium ||= '(none)';
        const channel = channelOf(source, medium, (campaign || '').toLowerCase());
        const touch: Touch = { channel, source, medium, campaign, landingPage: url.split(/[?#]/)[0]!, at: t.timestamp };
        state = {
          s: t.context.sessionId,
          m: mark,
          c: channel,
          f: state.f || touch,
          l: channel == 'direct' ? state.l || touch : touch,
        };
        memory = JSON.stringify(state);
        if (persist) storage.set(KEY, memory);
      }
      Object.assign(t.properties, { channel: state.c, firstTouch: state.f, lastTouch: state.l });
    } catch {}
    return t;
  };
};
