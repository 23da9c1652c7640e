import type { Fail } from '../types';
import { guard } from './guard';
import { on } from './on';

/**
 * Calls `submitted` once for each submission of a form of the document (forms in shadow roots are not seen: their
 * submit event does not leave them): one the browser carries out, or one the page cancels with `preventDefault()` to
 * send the form itself (AJAX), when `prevented(form)` says such a submit counts; `submitted` is then told
 * `prevented: true`. A cancelled submit whose form is then `:invalid` or has a field marked `aria-invalid="true"`
 * is the page's own validation saying no, and does not count; a submit that fails the browser's validation never
 * fires. Returns the function that stops listening.
 */
export const onSubmission = (
  submitted: (event: SubmitEvent, prevented?: true) => void,
  prevented: (form: HTMLFormElement) => unknown,
  fail: Fail,
) => {
  // The submit of this task, until its `formdata` event or the next task.
  let last: SubmitEvent | undefined;
  // Forms whose cancelled submit was counted, and when: a page that cancels, does async work (a captcha, a
  // payment SDK) and then submits for real is finishing that submission, not making another.
  const cancelled = new WeakMap<HTMLFormElement, number>();
  // A submit the page cancelled counts once every handler has had its say: in the next task, or when the page goes
  // first, as it does when the handler that cancelled it navigates to the next page.
  const judge = () => {
    const event = last;
    last = undefined;
    const form = event?.target as HTMLFormElement;
    // A method="dialog" form (or submitter) only closes its dialog: no submission, whoever cancels it.
    const method = (event?.submitter?.getAttribute('formmethod') || form?.getAttribute('method'))?.toLowerCase();
    if (event?.defaultPrevented && method != 'dialog' && prevented(form) && !form.matches(':invalid') && !form.querySelector('[aria-invalid=true]'))
      submitted(event, true), cancelled.set(form, Date.now());
  };
  const undo = [
    // On window in the capture phase: the first to see the event, before any handler of the page can stop it.
    on(
      window,
      'submit',
      (event: SubmitEvent) => {
        if (!(event.target instanceof HTMLFormElement)) return;
        last = event;
        setTimeout(guard(() => last == event && judge(), fail));
      },
      fail,
      true,
    ),
    on(window, 'pagehide', judge, fail),
    // The browser fires formdata right after a submit that nobody cancelled, while it builds what it sends: in the
    // same task, before the navigation starts, so the touchpoint is recorded while the page is surely alive.
    // `new FormData(form)` fires it too; one called from a submit handler, while the submit is still being
    // dispatched (eventPhase is not NONE yet), is not the submission. A `method="dialog"` form fires none: it closes
    // its dialog and sends nothing.
    on(
      window,
      'formdata',
      (event: Event) => {
        if (last && last.target == event.target && !last.eventPhase && !last.defaultPrevented) {
          const form = last.target as HTMLFormElement;
          if (!(Date.now() - cancelled.get(form)! < 60_000)) submitted(last);
          cancelled.delete(form);
          last = undefined;
        }
      },
      fail,
      true,
    ),
  ];
  return () => {
    last = undefined;
    undo.forEach((u) => u());
  };
};
