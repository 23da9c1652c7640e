// Loaded before the SDK, as a plain (not async) script: the stub must exist before the first call to it.
// It lives in a file rather than inline so that the pages work under a strict Content-Security-Policy.

// The stub: calls made before touchtrail.min.js has loaded wait in touchtrail.q, and the SDK replays them.
window.touchtrail = window.touchtrail || function () { (touchtrail.q = touchtrail.q || []).push(arguments); };

// One listener on the document rather than one on the button: it works before the button is parsed,
// so this script can stay in <head>.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-demo-plan]');
  if (!button) return;
  const plan = button.dataset.demoPlan;
  touchtrail('track', 'Demo Button Clicked', { plan, price: Number(button.dataset.demoPrice) }, { stage: 'decision', momentOfTruth: true });
  // Leaving the page right after track() is the case touchtrail is built for: the event still arrives.
  location.href = `thanks.html?plan=${encodeURIComponent(plan)}`;
});
