import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { channels, type ChannelsOptions, type Touch } from '../../../src/journey/channels';
import type { Touchpoint } from '../../../src/types';
import { touchpoint } from '../../helpers/touchpoints';

const SITE = 'https://shop.example';

beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

/** A page view of `url` (on the shop, unless absolute) arrived at from `referrer`, in `session`. */
const arrive = (url: string, referrer = '', session = 'session-1', timestamp = '2024-05-01T10:00:00.000Z'): Touchpoint => {
  const full = new URL(url, SITE);
  return touchpoint({
    type: 'page',
    event: undefined,
    properties: { touchpoint: 'Page View', touchpointKind: 'page_view' },
    context: {
      page: { url: full.href, path: full.pathname, search: full.search, title: '', referrer },
      library: { name: 'touchtrail', version: '0' },
      sessionId: session,
    },
    timestamp,
  });
};
const classify = (url: string, referrer = '', options?: ChannelsOptions) => {
  const t = arrive(url, referrer);
  expect(channels(options)(t)).toBe(t);
  return t.properties as { channel: string; firstTouch: Touch; lastTouch: Touch };
};

// [what, landing URL, referrer, channel, source, medium]
const LANDINGS: [string, string, string, string, string, string][] = [
  // Search engines, organic: the referrer alone.
  ['Google organic', '/', 'https://www.google.com/', 'organic_search', 'google', 'organic'],
  ['Google UK organic', '/trail-shoes', 'https://www.google.co.uk/', 'organic_search', 'google', 'organic'],
  ['Google Images', '/p/42', 'https://images.google.com/', 'organic_search', 'google', 'organic'],
  ['Bing organic', '/', 'https://www.bing.com/', 'organic_search', 'bing', 'organic'],
  ['Bing China', '/', 'https://cn.bing.com/', 'organic_search', 'bing', 'organic'],
  ['DuckDuckGo', '/', 'https://duckduckgo.com/', 'organic_search', 'duckduckgo', 'organic'],
  ['Yahoo search', '/', 'https://uk.search.yahoo.com/', 'organic_search', 'yahoo', 'organic'],
  ['Yandex', '/', 'https://yandex.ru/', 'organic_search', 'yandex', 'organic'],
  ['Baidu mobile', '/', 'https://m.baidu.com/', 'organic_search', 'baidu', 'organic'],
  ['Ecosia', '/', 'https://www.ecosia.org/', 'organic_search', 'ecosia', 'organic'],
  ['Brave Search', '/', 'https://search.brave.com/', 'organic_search', 'brave', 'organic'],
  ['utm_source=google without medium', '/?utm_source=google', '', 'organic_search', 'google', '(none)'],
  // Paid search: ad click ids, or utm_* with a paid medium.
  ['Google Ads gclid', '/?gclid=Cj0KCQjw', 'https://www.google.com/', 'paid_search', 'google', 'cpc'],
  ['Google Ads gbraid (iOS)', '/?gbraid=0AAAAAD', '', 'paid_search', 'google', 'cpc'],
  ['Google Ads wbraid', '/?wbraid=CkEKCQ', '', 'paid_search', 'google', 'cpc'],
  ['Microsoft Ads msclkid', '/?msclkid=4b8f2c', 'https://www.bing.com/', 'paid_search', 'bing', 'cpc'],
  ['Yandex Direct yclid', '/?yclid=12345', '', 'paid_search', 'yandex', 'cpc'],
  ['utm google/cpc', '/?utm_source=google&utm_medium=cpc&utm_campaign=brand', '', 'paid_search', 'google', 'cpc'],
  ['utm Bing/PPC in capitals', '/?utm_source=Bing&utm_medium=PPC', '', 'paid_search', 'bing', 'ppc'],
  // Social.
  ['Meta ad fbclid', '/?fbclid=IwAR3xyz', 'https://m.facebook.com/', 'paid_social', 'facebook', 'cpc'],
  ['TikTok ad ttclid', '/?ttclid=E.C.P.abc', '', 'paid_social', 'tiktok', 'cpc'],
  ['LinkedIn ad li_fat_id', '/?li_fat_id=8d2e', '', 'paid_social', 'linkedin', 'cpc'],
  ['X ad twclid', '/?twclid=2-abc', '', 'paid_social', 'twitter', 'cpc'],
  ['Pinterest ad epik', '/?epik=dj0yJnU9', '', 'paid_social', 'pinterest', 'cpc'],
  ['Reddit ad rdt_cid', '/?rdt_cid=123', '', 'paid_social', 'reddit', 'cpc'],
  ['Snapchat ad sccid', '/?sccid=abc', '', 'paid_social', 'snapchat', 'cpc'],
  ['utm facebook/paid_social', '/?utm_source=facebook&utm_medium=paid_social', '', 'paid_social', 'facebook', 'paid_social'],
  ['utm instagram/cpc', '/?utm_source=instagram&utm_medium=cpc', '', 'paid_social', 'instagram', 'cpc'],
  ['Instagram link in bio', '/', 'https://l.instagram.com/', 'organic_social', 'instagram', 'referral'],
  ['Facebook link shim', '/', 'https://lm.facebook.com/', 'organic_social', 'facebook', 'referral'],
  ['X (t.co)', '/blog/launch', 'https://t.co/', 'organic_social', 't', 'referral'],
  ['LinkedIn post', '/', 'https://www.linkedin.com/', 'organic_social', 'linkedin', 'referral'],
  ['Reddit outbound', '/', 'https://out.reddit.com/', 'organic_social', 'reddit', 'referral'],
  ['utm linkedin/social', '/?utm_source=linkedin&utm_medium=social', '', 'organic_social', 'linkedin', 'social'],
  // Video and shopping.
  ['YouTube description link', '/', 'https://www.youtube.com/', 'organic_video', 'youtube', 'referral'],
  ['utm youtube/cpc', '/?utm_source=youtube&utm_medium=cpc', '', 'paid_video', 'youtube', 'cpc'],
  ['Amazon listing', '/', 'https://www.amazon.com/', 'organic_shopping', 'amazon', 'referral'],
  ['shopping campaign on Google', '/?utm_source=google&utm_medium=cpc&utm_campaign=summer_shopping', '', 'paid_shopping', 'google', 'cpc'],
  ['a SHOPPING campaign in capitals', '/?utm_source=google&utm_medium=cpc&utm_campaign=Summer_SHOPPING', '', 'paid_shopping', 'google', 'cpc'],
  ['"shopping" inside a campaign name, as GA4 reads it', '/?utm_source=newsletter&utm_medium=cpc&utm_campaign=blackfridayshopping', '', 'paid_shopping', 'newsletter', 'cpc'],
  ['"shop" after a letter is no shop ("workshop")', '/?utm_source=newsletter&utm_medium=cpc&utm_campaign=workshop', '', 'paid_other', 'newsletter', 'cpc'],
  ['utm_medium=social-cpc is paid', '/?utm_source=facebook&utm_medium=social-cpc', '', 'paid_social', 'facebook', 'social-cpc'],
  ['interstitial', '/?utm_source=network&utm_medium=interstitial', '', 'display', 'network', 'interstitial'],
  ['Performance Max', '/?utm_source=google&utm_medium=cpc&utm_campaign=cross-network-q3', '', 'cross_network', 'google', 'cpc'],
  // Email.
  ['newsletter utm_medium=email', '/?utm_source=newsletter&utm_medium=email&utm_campaign=may', '', 'email', 'newsletter', 'email'],
  ['utm_medium=e-mail', '/?utm_source=crm&utm_medium=e-mail', '', 'email', 'crm', 'e-mail'],
  ['utm_source=email only', '/?utm_source=email', '', 'email', 'email', '(none)'],
  ['Gmail in the browser', '/', 'https://mail.google.com/', 'email', 'mail.google.com', 'email'],
  ['Outlook on the web', '/', 'https://outlook.live.com/', 'email', 'outlook.live.com', 'email'],
  ['Yahoo Mail', '/', 'https://mail.yahoo.com/', 'email', 'mail.yahoo.com', 'email'],
  ['Gmail app on Android', '/', 'android-app://com.google.android.gm/', 'email', 'com.google.android.gm', 'email'],
  ['utm wins over the referrer', '/?utm_source=crm&utm_medium=email', 'https://www.google.com/', 'email', 'crm', 'email'],
  // Offline, affiliates, display, other paid.
  ['QR code on a flyer', '/?utm_source=flyer&utm_medium=qr&utm_campaign=expo', '', 'offline', 'flyer', 'qr'],
  ['print ad', '/?utm_source=runners-mag&utm_medium=print', '', 'offline', 'runners-mag', 'print'],
  ['affiliate', '/?utm_source=awin&utm_medium=affiliate', 'https://www.some-coupons.example/', 'affiliate', 'awin', 'affiliate'],
  ['display on the GDN', '/?utm_source=gdn&utm_medium=display', '', 'display', 'gdn', 'display'],
  ['programmatic cpm', '/?utm_source=adnetwork&utm_medium=cpm', '', 'display', 'adnetwork', 'cpm'],
  ['banner', '/?utm_source=partner&utm_medium=banner', '', 'display', 'partner', 'banner'],
  ['Campaign Manager dclid', '/?dclid=CJ2x', '', 'display', 'dv360', 'cpm'],
  ['retargeting', '/?utm_source=criteo&utm_medium=retargeting', '', 'paid_other', 'criteo', 'retargeting'],
  ['SMS', '/?utm_source=attentive&utm_medium=sms', '', 'sms', 'attentive', 'sms'],
  ['push notification', '/?utm_source=onesignal&utm_medium=web-push', '', 'mobile_push', 'onesignal', 'web-push'],
  ['podcast', '/?utm_source=spotify&utm_medium=audio', '', 'audio', 'spotify', 'audio'],
  ['utm referral', '/?utm_source=partner.example&utm_medium=referral', '', 'referral', 'partner.example', 'referral'],
  ['unknown medium', '/?utm_source=foo&utm_medium=bar', '', 'unassigned', 'foo', 'bar'],
  // Referrals and direct.
  ['Hacker News', '/blog/launch', 'https://news.ycombinator.com/item?id=1', 'referral', 'news.ycombinator.com', 'referral'],
  ['another blog', '/', 'https://www.some-blog.net/2024/best-shoes', 'referral', 'some-blog.net', 'referral'],
  ['Google Docs is not search', '/', 'https://docs.google.com/', 'referral', 'docs.google.com', 'referral'],
  ['Google sign-in is not search', '/', 'https://accounts.google.com/', 'referral', 'accounts.google.com', 'referral'],
  ['a t. subdomain is not X', '/', 'https://t.example.org/', 'referral', 't.example.org', 'referral'],
  ['typed or bookmarked', '/', '', 'direct', '(direct)', '(none)'],
  ['internal referrer ignored', '/pricing', 'https://shop.example/blog/launch', 'direct', '(direct)', '(none)'],
  ['a referrer that is not a URL', '/', 'not a url', 'direct', '(direct)', '(none)'],
];

test(`the table covers ${LANDINGS.length} landings`, () => expect(LANDINGS.length).toBeGreaterThanOrEqual(40));

test.each(LANDINGS)('%s → %s', (_, url, referrer, channel, source, medium) => {
  const { channel: got, lastTouch } = classify(url, referrer);
  expect({ channel: got, source: lastTouch.source, medium: lastTouch.medium }).toEqual({ channel, source, medium });
});

test('internalHosts: a referrer from another host of the site is no arrival', () => {
  expect(classify('/', 'https://blog.example.com/post', { internalHosts: ['example.com'] }).channel).toBe('direct');
  localStorage.clear();
  expect(classify('/', 'https://blog.example.com/post').channel).toBe('referral');
});

test('a touch says channel, source, medium, campaign, landing page (no query) and when', () => {
  const { firstTouch, lastTouch } = classify('/shoes/trail?utm_source=newsletter&utm_medium=email&utm_campaign=May_Launch#top');
  expect(firstTouch).toEqual({
    channel: 'email',
    source: 'newsletter',
    medium: 'email',
    campaign: 'May_Launch',
    landingPage: 'https://shop.example/shoes/trail',
    at: '2024-05-01T10:00:00.000Z',
  });
  expect(lastTouch).toEqual(firstTouch);
});

describe('sessions and visits', () => {
  const read = (t: Touchpoint) => t.properties as { channel: string; firstTouch: Touch; lastTouch: Touch };

  test('every touchpoint of a session carries its landing channel', () => {
    const processor = channels();
    const landing = arrive('/?gclid=abc', 'https://www.google.com/');
    processor(landing);
    const next = arrive('/pricing', SITE + '/?gclid=abc');
    const click = touchpoint({ context: { ...next.context } });
    processor(next);
    processor(click);
    expect([read(landing).channel, read(next).channel, read(click).channel]).toEqual(['paid_search', 'paid_search', 'paid_search']);
    expect(read(click).firstTouch.landingPage).toBe('https://shop.example/');
  });

  test('utm_* or a click id in the middle of a session is a new arrival; the same one again is not', () => {
    const processor = channels();
    processor(arrive('/', 'https://www.google.com/', 's1', '2024-05-01T10:00:00.000Z'));
    const email = arrive('/sale?utm_source=newsletter&utm_medium=email', '', 's1', '2024-05-01T10:05:00.000Z');
    processor(email);
    expect(read(email)).toMatchObject({ channel: 'email', firstTouch: { channel: 'organic_search' }, lastTouch: { channel: 'email', at: '2024-05-01T10:05:00.000Z' } });
    const again = arrive('/sale?utm_source=newsletter&utm_medium=email', SITE + '/cart', 's1', '2024-05-01T10:09:00.000Z');
    processor(again);
    expect(read(again).lastTouch.at).toBe('2024-05-01T10:05:00.000Z');
  });

  test('first and last touch are kept across visits (new instances sharing localStorage); direct does not replace the last', () => {
    const visit = (url: string, referrer: string, session: string, at: string) => {
      const t = arrive(url, referrer, session, at);
      channels()(t);
      return read(t);
    };
    const v1 = visit('/?fbclid=IwAR', 'https://m.facebook.com/', 's1', '2024-05-01T10:00:00.000Z');
    expect(v1).toMatchObject({ channel: 'paid_social', firstTouch: { channel: 'paid_social' }, lastTouch: { channel: 'paid_social' } });

    const v2 = visit('/', '', 's2', '2024-05-03T09:00:00.000Z');
    expect(v2.channel).toBe('direct');
    expect(v2.firstTouch).toEqual(v1.firstTouch);
    expect(v2.lastTouch).toEqual(v1.lastTouch); // last non-direct

    const v3 = visit('/reviews', 'https://www.google.de/', 's3', '2024-05-07T20:00:00.000Z');
    expect(v3).toMatchObject({ channel: 'organic_search', lastTouch: { channel: 'organic_search', source: 'google', at: '2024-05-07T20:00:00.000Z' } });
    expect(v3.firstTouch).toEqual(v1.firstTouch);

    const v4 = visit('/?utm_source=newsletter&utm_medium=email', '', 's4', '2024-05-09T08:00:00.000Z');
    expect(v4).toMatchObject({ channel: 'email', firstTouch: { channel: 'paid_social', source: 'facebook' }, lastTouch: { channel: 'email' } });
  });

  test('a visitor whose first visit was direct keeps a direct first touch', () => {
    const t = arrive('/', '', 's1');
    channels()(t);
    expect(read(t)).toMatchObject({ channel: 'direct', firstTouch: { channel: 'direct' }, lastTouch: { channel: 'direct' } });
  });

  test('a damaged note in storage starts afresh', () => {
    localStorage.setItem('touchtrail.touch', '{not json');
    expect(classify('/', 'https://www.bing.com/').channel).toBe('organic_search');
  });

  test('where localStorage is blocked, visits last as long as the processor', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    const processor = channels();
    const landing = arrive('/?gclid=x');
    processor(landing);
    const next = arrive('/pricing', SITE + '/');
    processor(next);
    expect(read(next).channel).toBe('paid_search');
  });

  test('with persist false (consent not given), nothing is written', () => {
    const processor = channels() as (t: Touchpoint, e?: Element, persist?: boolean) => Touchpoint;
    const t = arrive('/?gclid=x');
    processor(t, undefined, false);
    expect(read(t).channel).toBe('paid_search');
    expect(localStorage.getItem('touchtrail.touch')).toBeNull();
  });

  test('a touchpoint it cannot read goes on unchanged', () => {
    const t = { type: 'track', properties: {}, context: { page: { url: 'not a url' } } } as unknown as Touchpoint;
    expect(channels()(t)).toBe(t);
    expect(t.properties).toEqual({});
  });
});
