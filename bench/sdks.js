// The SDKs measured, each as a site would use it from npm: imported, set up to send to the local collector
// (window.BENCH.collector), a page view at load, link clicks tracked, and `window.sdk.track(name, properties)` for the
// benchmark to call. Every option not named here is the SDK's default: the benchmark measures what a site gets.
//
// `entry` is bundled with esbuild twice: split ESM, whose initial chunks are the "npm import" bytes, and one IIFE
// that the benchmark's pages inline. `scriptTag` is the SDK's own <script> build as its npm package ships it.
// `isEvent(path)` tells a request that carries events from one that fetches configuration; `answer(path)`, if given,
// is what the collector answers instead of `{}`, as the SDK's own server would.

export const SDKS = [
  {
    name: 'touchtrail',
    package: 'touchtrail',
    entry: `
      import { createTracker, pageViews, linkClicks } from 'touchtrail';
      const tracker = createTracker({ collector: window.BENCH.collector + '/v1/batch', captures: [pageViews(), linkClicks()] });
      window.sdk = { ready: Promise.resolve(), track: (name, properties) => tracker.track(name, properties) };`,
    scriptTag: ['touchtrail.min.js', 'touchtrail.vitals.min.js'], // in dist/
    isEvent: (path) => path.startsWith('/v1/batch'),
  },
  {
    name: 'Segment analytics-next',
    package: '@segment/analytics-next',
    entry: `
      import { AnalyticsBrowser } from '@segment/analytics-next';
      // Settings given here are not fetched from Segment's CDN; apiHost points the Segment.io destination home.
      const apiHost = window.BENCH.collector.replace('http://', '') + '/v1';
      const analytics = AnalyticsBrowser.load(
        { writeKey: 'bench', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'bench', apiHost } } } },
        { integrations: { 'Segment.io': { apiHost, protocol: 'http' } } },
      );
      analytics.page();
      analytics.trackLink(document.getElementById('link'), 'Link Clicked');
      window.sdk = { ready: analytics.then(() => {}), track: (name, properties) => analytics.track(name, properties) };`,
    scriptTag: ['dist/umd/standalone.js'],
    isEvent: (path) => /^\/v1\/[ptbi]$/.test(path),
  },
  {
    name: 'Snowplow browser tracker',
    package: '@snowplow/browser-tracker',
    entry: `
      import { newTracker, trackPageView, trackStructEvent } from '@snowplow/browser-tracker';
      newTracker('sp', window.BENCH.collector, { appId: 'bench' });
      trackPageView();
      // Snowplow's link-click plugin has no release for tracker 4.10: a click listener, as a site would write it.
      document.addEventListener('click', (event) => {
        const link = event.target.closest && event.target.closest('a');
        if (link) trackStructEvent({ category: 'link', action: 'click', label: link.href });
      });
      window.sdk = {
        ready: Promise.resolve(),
        track: (name, p) => trackStructEvent({ category: 'bench', action: name, label: p.marker, property: p.plan, value: p.i }),
      };`,
    scriptTag: ['dist/index.umd.min.js'],
    isEvent: (path) => path.includes('/tp2'),
  },
  {
    name: 'PostHog',
    package: 'posthog-js',
    entry: `
      import posthog from 'posthog-js';
      let loaded;
      const ready = new Promise((resolve) => (loaded = resolve));
      // Two documented switches: PostHog drops events from a browser it takes for a bot, as headless Chromium is, and
      // its client rate limit (10 a second, bursts of 100) would drop most of the benchmark's calls unmeasured.
      posthog.init('phc_bench', {
        api_host: window.BENCH.collector,
        opt_out_useragent_filter: true,
        rate_limiting: { events_per_second: 10000, events_burst_limit: 10000 },
        loaded: () => loaded(),
      });
      window.sdk = { ready, track: (name, properties) => posthog.capture(name, properties) };`,
    scriptTag: ['dist/array.js'],
    isEvent: (path) => /^\/(e|i\/v0\/e|batch|capture)\b/.test(path),
    // PostHog starts autocapture (which records the link click) only once its server's remote config allows it.
    answer: (path) => (/^\/(array\/[^/]+\/config$|flags)/.test(path) ? '{"autocapture_opt_out":false}' : undefined),
  },
  {
    name: 'Plausible',
    package: '@plausible-analytics/tracker',
    entry: `
      import { init, track } from '@plausible-analytics/tracker';
      init({ domain: 'bench.test', endpoint: window.BENCH.collector + '/api/event', captureOnLocalhost: true, outboundLinks: true, fileDownloads: true });
      window.sdk = {
        ready: Promise.resolve(),
        // Plausible's custom properties are strings.
        track: (name, p) => track(name, { props: { plan: p.plan, marker: p.marker, i: String(p.i) } }),
      };`,
    scriptTag: [],
    isEvent: (path) => path.startsWith('/api/event'),
  },
];
