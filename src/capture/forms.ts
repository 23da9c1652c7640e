import type { Capture } from '../types';
import { guard } from '../lib/guard';
import { on } from '../lib/on';
import { touchpointAttributes } from '../lib/touchpointAttributes';

/** Options of `forms`. */
export interface FormsOptions {
  /**
   * Also count a submit that the page cancels with `preventDefault()`, as single-page apps and AJAX form plugins
   * do before they send the form with fetch; those touchpoints carry `prevented: true`. A cancelled submit whose
   * form is then `:invalid` or has a field marked `aria-invalid="true"` is the page's own validation saying no,
   * and does not count. Plausible and GA4 count cancelled submits; turn this on to match them. A form that
   * `data-touchpoint` names counts this way whatever this says: its submit is the moment the marketer tagged, and
   * no other capture records it (`taggedClicks` leaves tagged forms to this one).
   * @default false
   */
  countPrevented?: boolean;
}

/**
 * Captures form submissions: `Form Submitted` with `formId`, `formName`, `action` (absolute, without query or
 * fragment), `method`, `fieldCount` (fields a visitor fills in: not buttons, not hidden inputs) and the form's
 * `data-touchpoint*` attributes. Never a field's value.
 *
 * A submission is what the browser carries out: a submit that fails validation never fires, and one the page
 * cancels is not one, unless the form is tagged (see `countPrevented`). Forms in or under an element with
 * `data-touchpoint-ignore` are skipped, and so are forms inside shadow roots, whose submit event does not leave them.
 */
export const forms =
  ({ countPrevented = false }: FormsOptions = {}): Capture =>
  (emit, fail) => {
    // The submit of this task, until its `formdata` event or the next task.
    let last: SubmitEvent | undefined;
    // Forms whose cancelled submit was counted, and when: a page that cancels, does async work (a captcha, a
    // payment SDK) and then submits for real is finishing that submission, not making another.
    const cancelled = new WeakMap<HTMLFormElement, number>();
    const record = (event: SubmitEvent, prevented?: boolean) => {
      const form = event.target as HTMLFormElement;
      // Attributes, not properties: a field named "action", "id" or "name" shadows form.action, form.id, form.name.
      // The button that submitted the form may override its action and method.
      const attribute = (name: string) => event.submitter?.getAttribute('form' + name) || form.getAttribute(name);
      emit(
        'Form Submitted',
        {
          ...touchpointAttributes(form),
          touchpointKind: 'form_submit',
          formId: form.getAttribute('id'),
          formName: form.getAttribute('name'),
          // The query may hold what a visitor typed or a token; an empty action is the page itself.
          action: new URL(attribute('action') || '', form.baseURI).href.split(/[?#]/)[0],
          method: (attribute('method') || 'get').toLowerCase(),
          fieldCount: Array.from(form.elements).filter((field) => !/^(submit|reset|button|image|hidden|fieldset|output)$/.test((field as HTMLInputElement).type)).length,
          ...(prevented && { prevented }),
        },
        { element: form },
      );
    };
    // A submit the page cancelled counts (see countPrevented) once every handler has had its say: in the next task,
    // or when the page goes first, as it does when the handler that cancelled it navigates to the next page.
    const judge = () => {
      const event = last;
      last = undefined;
      const form = event?.target as HTMLFormElement;
      if (
        event?.defaultPrevented &&
        (countPrevented || form.getAttribute('data-touchpoint')) &&
        !form.matches(':invalid') &&
        !form.querySelector('[aria-invalid=true]')
      )
        record(event, true), cancelled.set(form, Date.now());
    };
    const undo = [
      // On window in the capture phase: the first to see the event, before any handler of the page can stop it.
      on(
        window,
        'submit',
        (event: SubmitEvent) => {
          const form = event.target;
          if (!(form instanceof HTMLFormElement) || form.closest('[data-touchpoint-ignore]')) return;
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
      // dispatched (eventPhase is not NONE yet), is not the submission.
      on(
        window,
        'formdata',
        (event: Event) => {
          if (last && last.target == event.target && !last.eventPhase && !last.defaultPrevented) {
            const form = last.target as HTMLFormElement;
            if (!(Date.now() - cancelled.get(form)! < 60_000)) record(last);
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
