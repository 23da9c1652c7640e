/**
 * The inspector's looks, adopted by its shadow root as a constructed stylesheet: CSSOM, which a strict
 * Content-Security-Policy (`style-src 'self'`, no `'unsafe-inline'`) allows, where a `<style>` element or a style
 * attribute would be refused. No url(): fonts and images would need font-src and img-src.
 */
export const styles = `
:host { all: initial; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.layer { position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; overflow: hidden; pointer-events: none; }
.layer.off { display: none; }
.box { position: absolute; top: 0; left: 0; border: 2px solid #c2185b; border-radius: 3px;
  background: rgba(194, 24, 91, 0.06); transition: background-color 0.3s; }
.box.rule { border-style: dashed; border-color: #5b21b6; background: rgba(91, 33, 182, 0.05); }
.box.fired { background: rgba(194, 24, 91, 0.28); }
.label { position: absolute; left: -2px; bottom: 100%; max-width: 280px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; padding: 0 6px; border-radius: 3px 3px 0 0; background: #c2185b; color: #fff;
  font: 600 11px/16px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.box.rule .label { background: #5b21b6; }
.box.below .label { bottom: auto; top: 100%; border-radius: 0 0 3px 3px; }
.panel { position: fixed; right: 12px; bottom: 12px; width: 440px; max-width: calc(100vw - 24px); max-height: 60vh;
  display: flex; flex-direction: column; pointer-events: auto; overflow: hidden; color: #1d2230; background: #fff;
  border: 1px solid #c5c9d3; border-radius: 8px; box-shadow: 0 8px 28px rgba(0, 0, 0, 0.2);
  font: 12px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left; direction: ltr; }
.bar { display: flex; gap: 6px; align-items: center; padding: 6px; background: #1d2230; }
button { font: inherit; color: inherit; cursor: pointer; }
.bar button { border: 1px solid #4a5163; border-radius: 5px; padding: 3px 8px; background: #2c3344; color: #fff; }
.bar .toggle { flex: 1; text-align: left; font-weight: 600; border-color: transparent; background: transparent; }
.bar .toggle::before { content: "\\25BE  "; }
.bar .toggle[aria-expanded="false"]::before { content: "\\25B8  "; }
.bar button[aria-pressed="false"] { opacity: 0.6; }
.count { display: inline-block; min-width: 20px; margin-left: 6px; padding: 0 6px; border-radius: 9px;
  background: #c2185b; text-align: center; font-weight: 600; }
button:focus-visible { outline: 2px solid #ffb300; outline-offset: 1px; }
.body { overflow: auto; }
.status, .empty { margin: 0; padding: 6px 10px; color: #5a6172; border-bottom: 1px solid #eceef2; }
.list { list-style: none; margin: 0; padding: 0; }
.row { border-bottom: 1px solid #eceef2; }
.entry { display: block; width: 100%; padding: 6px 10px; border: 0; background: transparent; text-align: left; }
.entry:hover, .entry[aria-expanded="true"] { background: #f5f6f9; }
.head { display: flex; gap: 8px; align-items: baseline; }
.name { flex: 1; font-weight: 600; overflow-wrap: anywhere; }
.time { color: #5a6172; font-variant-numeric: tabular-nums; }
.flag { padding: 0 6px; border-radius: 9px; background: #ffb300; color: #1d2230; font-weight: 600; white-space: nowrap; }
.meta { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 3px; }
.chip { padding: 0 6px; border-radius: 4px; background: #eef0f5; overflow-wrap: anywhere; }
.chip b { font-weight: 400; color: #5a6172; }
.chip.stage { background: #fbe3ee; }
.detail { padding: 4px 10px 8px; background: #f5f6f9; }
.why { margin: 0 0 4px; }
pre { margin: 0; max-height: 240px; overflow: auto; padding: 6px; background: #fff; border: 1px solid #e1e4ea;
  border-radius: 4px; font: 11px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap;
  overflow-wrap: anywhere; }
`;
