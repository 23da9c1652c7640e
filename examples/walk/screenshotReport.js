/**
 * Saves a picture of the journey page at `url` (the collector's /journey) to `file`, as a PNG, once the page
 * has drawn its figures: the README's screenshot.
 *
 * @param {import('playwright-core').Browser} browser
 */
export const screenshotReport = async (browser, url, file) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: 'light' });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.updated && document.querySelectorAll('#map .stage').length > 0);
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await context.close();
  }
};
