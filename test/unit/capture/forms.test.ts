import { afterEach, beforeEach, expect, test, vi, type Mock } from 'vitest';
import type { Emit, Fail } from '../../../src/types';
import { forms, type FormsOptions } from '../../../src/capture/forms';

let emit: Mock<Emit>;
let fail: Mock<Fail>;
let stop: (() => void) | undefined;

beforeEach(() => {
  emit = vi.fn<Emit>();
  fail = vi.fn<Fail>();
});

afterEach(() => {
  stop?.();
  stop = undefined;
  document.body.innerHTML = '';
  expect(fail).not.toHaveBeenCalled();
});

const start = (options?: FormsOptions) => (stop = forms(options)(emit, fail));

const html = (markup: string) => {
  document.body.innerHTML = markup;
  return document.querySelector('form')!;
};

/**
 * What a browser does when a visitor submits a form (jsdom stops after the submit event): validate unless
 * novalidate, fire submit, and unless it was cancelled, fire formdata while building the body, in the same task.
 */
const submit = (form: HTMLFormElement, submitter: HTMLElement | null = null) => {
  if (!form.noValidate && !form.checkValidity()) return;
  if (form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true, submitter })))
    form.dispatchEvent(new Event('formdata', { bubbles: true }));
};

// Whatever the capture waits for (the end of the task) has passed.
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

const SIGNUP = `<form id="signup" name="newsletter" action="/subscribe?src=footer&token=abc#done" method="POST">
  <input name="email" type="email" value="ada@example.com">
  <input name="name" value="Ada Lovelace">
  <input name="id" value="secret-id"><input name="action" value="secret-action"><input name="method" value="secret-method">
  <input type="hidden" name="csrf" value="s3cr3t">
  <select name="plan"><option selected>pro</option></select>
  <textarea name="note">private note</textarea>
  <input type="checkbox" name="terms" checked>
  <fieldset><output name="total">9</output></fieldset>
  <button type="reset">Clear</button><input type="image" alt="Go"><button type="button">Help</button>
  <button id="go">Subscribe</button>
</form>`;

test('a submission is recorded once, with what describes the form and never a value', async () => {
  start();
  const form = html(SIGNUP);
  submit(form, form.querySelector<HTMLElement>('#go'));
  expect(emit).toHaveBeenCalledWith(
    'Form Submitted',
    {
      touchpointKind: 'form_submit',
      formId: 'signup',
      formName: 'newsletter',
      action: 'http://localhost:3000/subscribe',
      method: 'post',
      fieldCount: 8, // email, name, id, action, method, plan, note, terms
    },
    { element: form },
  );
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
  const sent = JSON.stringify(emit.mock.calls[0]![1]);
  for (const value of ['ada@', 'Lovelace', 'secret', 's3cr3t', 'private', 'token', 'abc', 'footer']) expect(sent).not.toContain(value);
});

test('fields outside the form that belong to it count; the submitter may override action and method', () => {
  start();
  document.body.innerHTML = `<form id="f" action="/a" method="get"><input name="q"></form>
    <input form="f" name="outside"><button form="f" id="b" formaction="/b?x=1" formmethod="DIALOG">b</button>`;
  const form = document.querySelector('form')!;
  submit(form, document.querySelector<HTMLElement>('#b'));
  expect(emit.mock.lastCall![1]).toMatchObject({ fieldCount: 2, action: 'http://localhost:3000/b', method: 'dialog' });
});

test('a form without attributes: the page is its action, get its method, null its id and name', () => {
  start();
  history.replaceState(null, '', '/contact?ref=mail#form');
  submit(html('<form><input name="q"></form>'));
  history.replaceState(null, '', '/');
  expect(emit.mock.lastCall![1]).toMatchObject({ formId: null, formName: null, action: 'http://localhost:3000/contact', method: 'get', fieldCount: 1 });
});

test("the form's data-touchpoint attributes become properties", () => {
  start();
  submit(html('<form data-touchpoint="Demo request" data-touchpoint-stage="decision" data-touchpoint-moment-of-truth></form>'));
  expect(emit.mock.lastCall![1]).toMatchObject({ touchpoint: 'Demo request', stage: 'decision', momentOfTruth: true });
});

test('a submit the page cancels is not a submission, whichever handler cancels it and even if it stops propagation', async () => {
  start();
  const form = html('<form><input name="q"></form>');
  const cancel = (event: Event) => (event.preventDefault(), event.stopPropagation());
  form.addEventListener('submit', cancel);
  submit(form);
  form.removeEventListener('submit', cancel);
  const cancelLate = (event: Event) => event.preventDefault();
  window.addEventListener('submit', cancelLate);
  submit(form);
  window.removeEventListener('submit', cancelLate);
  await settle();
  expect(emit).not.toHaveBeenCalled();
});

test('new FormData(form) in a handler that cancels the submit is not the submission; in one that does not, it is counted once', async () => {
  start();
  const form = html('<form><input name="q" value="x"></form>');
  // jsdom's FormData fires no formdata event; dispatching one is what a browser's `new FormData(form)` does. It
  // comes before the cancelling, as when one handler reads the form and a later one cancels.
  const spa = (event: Event) => (form.dispatchEvent(new Event('formdata', { bubbles: true })), event.preventDefault());
  form.addEventListener('submit', spa);
  submit(form);
  form.removeEventListener('submit', spa);
  await settle();
  expect(emit).not.toHaveBeenCalled();
  const peek = () => form.dispatchEvent(new Event('formdata', { bubbles: true }));
  form.addEventListener('submit', peek);
  submit(form);
  form.removeEventListener('submit', peek);
  expect(emit).toHaveBeenCalledTimes(1);
});

test('a formdata event of page code after a submit that led nowhere is not a submission', async () => {
  start();
  const form = html('<form method="dialog"><button>Close</button></form>');
  // method=dialog closes a dialog: the browser fires submit but builds no body, so no formdata follows.
  form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true }));
  await settle();
  form.dispatchEvent(new Event('formdata', { bubbles: true }));
  expect(emit).not.toHaveBeenCalled();
});

test('a form that fails validation fires no submit and records nothing; novalidate forms submit as they are', () => {
  start();
  const form = html('<form><input name="email" type="email" required></form>');
  form.requestSubmit();
  submit(form);
  expect(emit).not.toHaveBeenCalled();
  form.noValidate = true;
  submit(form);
  expect(emit).toHaveBeenCalledTimes(1);
});

test('a method="dialog" form closes its dialog and sends nothing to the site: not a submission, even tagged', async () => {
  start();
  // What Chromium does for it: submit, then the dialog closes, and no formdata (nothing is sent).
  const form = html('<dialog open><form method="dialog" data-touchpoint="Newsletter modal"><button value="ok">OK</button></form></dialog>');
  form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true, submitter: form.querySelector('button') }));
  await settle();
  expect(emit).not.toHaveBeenCalled();
});

test('a tagged method="dialog" form whose submit the page cancels is no submission either', async () => {
  start();
  const form = html('<dialog open><form method="dialog" data-touchpoint="Newsletter modal"><button value="ok">OK</button></form></dialog>');
  form.addEventListener('submit', (event) => event.preventDefault());
  form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true, submitter: form.querySelector('button') }));
  await settle();
  expect(emit).not.toHaveBeenCalled();
});

test('forms in or under data-touchpoint-ignore are skipped', () => {
  start();
  submit(html('<form data-touchpoint-ignore></form>'));
  submit(html('<div data-touchpoint-ignore><form></form></div>'));
  expect(emit).not.toHaveBeenCalled();
});

test('countPrevented: a cancelled submit counts with prevented: true, unless the page then marks the form invalid', async () => {
  start({ countPrevented: true });
  const form = html('<form id="f" novalidate><input name="email" type="email"></form>');
  const spa = (event: Event) => event.preventDefault();
  form.addEventListener('submit', spa);
  submit(form);
  expect(emit).not.toHaveBeenCalled(); // judged once every handler has run
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
  expect(emit.mock.lastCall![1]).toMatchObject({ formId: 'f', prevented: true });
  form.querySelector('input')!.setAttribute('aria-invalid', 'true');
  submit(form);
  form.querySelector('input')!.removeAttribute('aria-invalid');
  form.querySelector('input')!.required = true;
  submit(form); // novalidate lets it through; it is :invalid
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
  // Not cancelled: recorded as any submission, without `prevented`. (Another form: a real submission of this one
  // within a minute would be the counted cancelled submit finishing; see below.)
  const other = html('<form id="g"><input name="email"></form>');
  submit(other);
  await settle();
  expect(emit).toHaveBeenCalledTimes(2);
  expect(emit.mock.lastCall![1]).toMatchObject({ formId: 'g' });
  expect(emit.mock.lastCall![1]).not.toHaveProperty('prevented');
});

test('a form data-touchpoint names counts when the page cancels its submit, without countPrevented', async () => {
  start();
  const form = html('<form data-touchpoint="Order placed" novalidate><input name="card"></form>');
  const spa = (event: Event) => event.preventDefault();
  form.addEventListener('submit', spa);
  submit(form);
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
  expect(emit.mock.lastCall![1]).toMatchObject({ touchpoint: 'Order placed', prevented: true });
  // As with countPrevented: the page's own validation saying no is no submit.
  form.querySelector('input')!.setAttribute('aria-invalid', 'true');
  submit(form);
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
  // A bare data-touchpoint marks, but does not name: a cancelled submit is not one.
  form.querySelector('input')!.removeAttribute('aria-invalid');
  form.setAttribute('data-touchpoint', '');
  submit(form);
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
});

test('a cancelled submit whose handler goes to the next page is judged when the page goes, before the next task', async () => {
  start({ countPrevented: true });
  const form = html('<form data-touchpoint="Shipping details sent"><input name="name"></form>');
  // The shop's checkout: the handler cancels the submit, sends the form by script and navigates; the next task of
  // this page may never come.
  form.addEventListener('submit', (event) => event.preventDefault());
  submit(form);
  expect(emit).not.toHaveBeenCalled();
  window.dispatchEvent(new PageTransitionEvent('pagehide'));
  expect(emit).toHaveBeenCalledTimes(1);
  expect(emit.mock.lastCall![1]).toMatchObject({ touchpoint: 'Shipping details sent', prevented: true });
  // Judged once: the timer that follows finds nothing left to judge.
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
});

test('a cancelled submit that was counted, then submitted for real after async work, is one submission', async () => {
  start();
  const form = html('<form data-touchpoint="Order placed" novalidate><input name="card"></form>');
  // A payment SDK: the first submit is cancelled while the card is checked, then the page submits for real.
  let checked = false;
  form.addEventListener('submit', (event) => checked || event.preventDefault());
  submit(form);
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
  expect(emit.mock.lastCall![1]).toMatchObject({ prevented: true });
  checked = true;
  submit(form);
  await settle();
  expect(emit).toHaveBeenCalledTimes(1);
  // A later submission of that form is another one.
  submit(form);
  await settle();
  expect(emit).toHaveBeenCalledTimes(2);
  expect(emit.mock.lastCall![1]).not.toHaveProperty('prevented');
});

test('stop() removes the listeners and forgets a submit still being judged', async () => {
  start({ countPrevented: true });
  const form = html('<form></form>');
  form.addEventListener('submit', (event) => event.preventDefault());
  submit(form);
  stop!();
  stop = undefined;
  await settle();
  submit(form);
  form.dispatchEvent(new Event('formdata', { bubbles: true }));
  await settle();
  expect(emit).not.toHaveBeenCalled();
});

test('an emit that throws is reported to fail, never to the page', () => {
  const error = new Error('boom');
  emit.mockImplementation(() => {
    throw error;
  });
  start();
  expect(() => submit(html('<form></form>'))).not.toThrow();
  expect(fail).toHaveBeenCalledWith(error);
  fail.mockClear();
});
