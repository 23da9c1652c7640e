import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Our own flags only: @sparticuz/chromium's own args include --disable-web-security (which would hide CORS
// failures) and --single-process (which breaks multi-tab tests). The background-networking flags keep
// Chromium from calling Google's hosts, which this machine cannot reach.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where Chromium is: TOUCHTRAIL_CHROMIUM, else the one @sparticuz/chromium brings with npm install, else Debian's. */
export const findChromium = async (): Promise<string> => {
  if (process.env.TOUCHTRAIL_CHROMIUM) return process.env.TOUCHTRAIL_CHROMIUM;
  try {
    const { default: sparticuz } = await import('@sparticuz/chromium');
    const path = await sparticuz.executablePath();
    if (path && existsSync(path)) return path;
  } catch {
    // fall through to the system's Chromium
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path;
  // Browser tests never skip silently: say how to get a browser.
  throw new Error(
    'No Chromium found for the browser tests. Run `npm install` (it brings @sparticuz/chromium), ' +
      'or `apt-get install chromium`, or set TOUCHTRAIL_CHROMIUM to a Chromium binary.',
  );
};

/**
 * Starts headless Chromium for a test file. Playwright turns the back/forward cache off by default;
 * `backForwardCache: true` keeps it, for the tests of it.
 */
export const launchBrowser = async ({ backForwardCache = false } = {}): Promise<Browser> =>
  chromium.launch({
    executablePath: await findChromium(),
    headless: true,
    args: ARGS,
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
  });
