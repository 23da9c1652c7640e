import type { Fail } from '../types';
import { guard } from './guard';
import { on } from './on';

/**
 * Calls `callback` soon after the URL may have changed without a page load: pushState, replaceState,
 * back/forward, a navigation a Navigation API router intercepted, and (with `hash`) a new #fragment. Returns the
 * function that stops it.
 * The callback runs once the call stack has unwound, because routers often set the title after the URL. It is told
 * whether the change replaced the current history entry (replaceState, or a navigation with `history: 'replace'`)
 * rather than adding or traversing one.
 */
export const onUrlChange = (callback: (replaced: boolean) => void, fail: Fail, hash?: boolean): (() => void) => {
  let stopped = false;
  // Whether every change since the callback last ran replaced its entry (popstate and hashchange pass their event,
  // not true): a router's push often replaceStates the entry it leaves first (to save its scroll), and the callback
  // reads the URL only once both are done.
  let replaced = true;
  const soon = (replacing?: unknown) => {
    replaced &&= replacing === true;
    setTimeout(guard(() => ((replacing = replaced), (replaced = true), stopped || callback(replacing as boolean)), fail));
  };
  // Wrap history's methods rather than replace them: a router may have wrapped them before us, or wrap us after.
  const patch = (method: 'pushState' | 'replaceState') => {
    const original = history[method];
    const patched = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      soon(method == 'replaceState');
      return result;
    };
    history[method] = patched;
    // Put the original back only if nobody wrapped ours since; otherwise ours stays, inert once stopped.
    return () => history[method] === patched && (history[method] = original);
  };
  const undo = [patch('pushState'), patch('replaceState'), on(window, 'popstate', soon, fail)];
  if (hash) undo.push(on(window, 'hashchange', soon, fail));
  // A router built on the Navigation API changes the URL by intercepting a navigation, without history's methods;
  // its entry changes all the same. (Every same-document change does: callers check whether the page changed.)
  const navigation = (window as { navigation?: EventTarget }).navigation;
  if (navigation)
    undo.push(on(navigation, 'currententrychange', (event: { navigationType?: string }) => soon(event.navigationType == 'replace'), fail));
  return () => {
    stopped = true;
    undo.forEach((u) => u());
  };
};
