import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

// As test/e2e/helpers/launchBrowser.ts does, and for the same reasons: our own flags only. @sparticuz/chromium's
// args include --disable-web-security (which would hide CORS failures) and --single-process; the
// background-networking flags keep Chromium from calling Google's hosts.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where Chromium is: TOUCHTRAIL_CHROMIUM, else the one @sparticuz/chromium brings with npm install, else Debian's. */
const findChromium = async () => {
  if (process.env.TOUCHTRAIL_CHROMIUM) return process.env.TOUCHTRAIL_CHROMIUM;
  try {
    const { default: sparticuz } = await import('@sparticuz/chromium');
    const path = await sparticuz.executablePath();
    if (path && existsSync(path)) return path;
  } catch {
    // fall through to the system's Chromium
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(path)) return path;
  throw new Error(
    'No Chromium found. Run `npm install` (it brings @sparticuz/chromium), or `apt-get install chromium`, ' +
      'or set TOUCHTRAIL_CHROMIUM to a Chromium binary.',
  );
};

/** Starts headless Chromium. */
export const launchChromium = async () =>
  chromium.launch({ executablePath: await findChromium(), headless: true, args: ARGS });
