import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

// The one Chromium launcher of the project: the walkthrough and the browser tests (test/e2e/helpers) use it.
// Our own flags only: @sparticuz/chromium's args include --disable-web-security (which would hide CORS failures)
// and --single-process (which breaks multi-tab tests); the background-networking flags keep Chromium from
// calling Google's hosts, which this machine cannot reach.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where Chromium is: TOUCHTRAIL_CHROMIUM, else the one @sparticuz/chromium brings with npm install, else Debian's. */
export const findChromium = async () => {
  if (process.env.TOUCHTRAIL_CHROMIUM) return process.env.TOUCHTRAIL_CHROMIUM;
  try {
    const { default: sparticuz } = await import('@sparticuz/chromium');
    const path = await sparticuz.executablePath();
    if (path && existsSync(path)) return path;
  } catch {
    // fall through to the system's Chromium
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path;
  // The browser tests never skip silently: say how to get a browser.
  throw new Error(
    'No Chromium found. Run `npm install` (it brings @sparticuz/chromium), or `apt-get install chromium`, ' +
      'or set TOUCHTRAIL_CHROMIUM to a Chromium binary.',
  );
};

/**
 * Starts headless Chromium. Playwright turns the back/forward cache off by default; `backForwardCache: true`
 * keeps it, for the tests of it.
 */
export const launchChromium = async ({ backForwardCache = false } = {}) =>
  chromium.launch({
    executablePath: await findChromium(),
    headless: true,
    args: ARGS,
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
  });
