// The browser tests launch Chromium as the walkthrough does: one launcher, in examples/walk/launchChromium.js.
export { findChromium, launchChromium as launchBrowser } from '../../../examples/walk/launchChromium.js';
