import { launchChromium } from './launchChromium.js';
import { screenshotReport } from './screenshotReport.js';
import { waitForQuiet } from './waitForQuiet.js';
import { walkShop } from './walkShop.js';

/**
 * The walkthrough: three customers through the shop of the demo server at `url`, in headless Chromium, then a
 * wait until their last touchpoints are stored, and optionally a screenshot of the journey page.
 *
 * @param {{ url: string, screenshot?: string, log?: (line: string) => void }} options
 * @returns {Promise<{ customers: string[], events: number }>}
 */
export const runWalk = async ({ url, screenshot, log = () => {} }) => {
  const browser = await launchChromium();
  try {
    const customers = await walkShop(browser, `${url}/shop/`, { log });
    const events = await waitForQuiet(url);
    if (screenshot) {
      await screenshotReport(browser, `${url}/journey`, screenshot);
      log(`saved a screenshot of the journey map to ${screenshot}`);
    }
    return { customers, events };
  } finally {
    await browser.close();
  }
};
