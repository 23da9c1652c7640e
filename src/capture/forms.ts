import type { Capture } from '../types';
import { onSubmission } from '../lib/onSubmission';
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
  (emit, fail) =>
    onSubmission(
      (event, prevented) => {
        const form = event.target as HTMLFormElement;
        if (form.closest('[data-touchpoint-ignore]')) return;
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
      },
      (form) => countPrevented || form.getAttribute('data-touchpoint'),
      fail,
    );
