import { bar } from './bar.js';
import { el } from './el.js';
import { percent } from './percent.js';
import { plural } from './plural.js';

/**
 * Checkout drop-off per step: a bar per step as long as the sessions that reached it, its abandoned part in
 * red at the end, so the step that loses most stands out.
 */
export const renderCheckout = (root, report) => {
  const steps = report.checkout;
  if (!steps.length) {
    root.replaceChildren(el('p', { class: 'none' }, 'No checkout steps yet: they come from Checkout Started, Checkout Step Viewed/Completed, Payment Info Entered and Order Completed.'));
    return;
  }
  const most = Math.max(1, ...steps.map((step) => step.sessions));
  root.replaceChildren(
    el(
      'div',
      { class: 'rows' },
      steps.map((step) =>
        el(
          'div',
          { class: 'row', 'data-step': step.step, 'data-step-name': step.stepName ?? '', 'data-sessions': step.sessions, 'data-abandoned': step.abandoned },
          el('span', { class: 'row-label' }, el('span', { class: 'step-number' }, step.step), ` ${step.stepName ?? ''}`),
          bar(
            [
              { value: step.sessions - step.abandoned, className: 'fill', label: `${plural(step.sessions - step.abandoned, 'session')} went on or are still here` },
              { value: step.abandoned, className: 'abandoned', label: `${plural(step.abandoned, 'session')} abandoned here`, text: step.abandoned ? `−${step.abandoned}` : '' },
            ],
            most,
            { title: `step ${step.step} ${step.stepName ?? ''}: ${step.sessions} reached, ${step.abandoned} abandoned` },
          ),
          el(
            'span',
            { class: 'row-figures' },
            plural(step.sessions, 'session'),
            step.abandoned ? el('span', { class: 'abandoned-text' }, ` · ${step.abandoned} abandoned (${percent(step.abandoned, step.sessions)})`) : null,
          ),
        ),
      ),
    ),
    el('p', { class: 'legend' }, el('span', { class: 'swatch fill' }), ' reached ', el('span', { class: 'swatch abandoned' }), ' abandoned at this step'),
  );
};
