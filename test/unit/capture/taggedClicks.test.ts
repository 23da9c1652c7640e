import { afterEach, beforeEach, describe, expect, test, vi, type Mock } from 'vitest';
import { forms } from '../../../src/capture/forms';
import { linkClicks } from '../../../src/capture/linkClicks';
import { taggedClicks, type TaggedClicksOptions } from '../../../src/capture/taggedClicks';
import { journeyStages } from '../../../src/journey/journeyStages';
import type { Emit, Fail } from '../../../src/types';
import { makeTracker, stopTrackers } from '../../helpers/makeTracker';
import { resetPage } from '../../helpers/page';

let emit: Mock<Emit>;
let fail: Mock<Fail>;
let stop: (() => void) | undefined;

// jsdom cannot navigate; the page cancels every click after we have seen it.
const cancel = (event: Event) => event.preventDefault();

beforeEach(() => {
  emit = vi.fn<Emit>();
  fail = vi.fn<Fail>();
  document.addEventListener('click', cancel);
});

afterEach(() => {
  stop?.();
  stop = undefined;
  document.body.innerHTML = '';
  document.removeEventListener('click', cancel);
  expect(fail).not.toHaveBeenCalled();
});

const start = (options?: TaggedClicksOptions) => (stop = taggedClicks(options)(emit, fail));
const html = (markup: string) => {
  document.body.innerHTML = markup;
  return document.body.firstElementChild as HTMLElement;
};
const click = (element: Element) => element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));

test('a click on a tagged element is a touchpoint of that name, with its data-touchpoint-* as properties', () => {
  start();
  const button = html(
    '<button data-touchpoint="Pricing CTA" data-touchpoint-stage="decision" data-touchpoint-moment-of-truth data-touchpoint-plan="pro" data-other="no">Buy</button>',
  );
  click(button);
  expect(emit).toHaveBeenCalledTimes(1);
  expect(emit).toHaveBeenCalledWith(
    'Pricing CTA',
    { touchpoint: 'Pricing CTA', stage: 'decision', momentOfTruth: true, plan: 'pro', touchpointKind: 'tagged' },
    { stage: 'decision', momentOfTruth: true, element: button },
  );
});

test('a click inside a tagged element counts for it; the nearest named one wins', () => {
  start();
  const card = html('<section data-touchpoint="Pricing table"><div data-touchpoint="Pro plan card"><h3><span>Pro</span></h3></div><p>Compare</p></section>');
  click(card.querySelector('span')!);
  expect(emit.mock.lastCall![0]).toBe('Pro plan card');
  expect(emit.mock.lastCall![2]!.element).toBe(card.firstElementChild);
  click(card.querySelector('p')!);
  expect(emit.mock.lastCall![0]).toBe('Pricing table');
  expect(emit.mock.lastCall![2]).toEqual({ stage: undefined, momentOfTruth: undefined, element: card });
});

test('a bare data-touchpoint marks but does not name: the named element around it names the click', () => {
  start();
  const outer = html('<div data-touchpoint="Hero"><button data-touchpoint>Go</button></div>');
  click(outer.querySelector('button')!);
  expect(emit).toHaveBeenCalledWith('Hero', expect.anything(), expect.objectContaining({ element: outer }));
  html('<button data-touchpoint="">Go</button>');
  click(document.querySelector('button')!);
  expect(emit).toHaveBeenCalledTimes(1);
});

test('data-touchpoint-moment-of-truth="false" is no moment of truth', () => {
  start();
  click(html('<button data-touchpoint="Later" data-touchpoint-moment-of-truth="false">x</button>'));
  expect(emit.mock.lastCall![2]!.momentOfTruth).toBe(false);
});

test.each([
  ['on the element', '<button data-touchpoint="A" data-touchpoint-ignore><i>x</i></button>'],
  ['on an ancestor', '<div data-touchpoint-ignore><button data-touchpoint="A"><i>x</i></button></div>'],
  ['between the tagged element and the target', '<div data-touchpoint="A"><span data-touchpoint-ignore><i>x</i></span></div>'],
])('data-touchpoint-ignore %s skips the click', (_, markup) => {
  start();
  click(html(markup).querySelector('i')!);
  expect(emit).not.toHaveBeenCalled();
});

test('an untagged click is nothing', () => {
  start();
  click(html('<button>Buy</button>'));
  expect(emit).not.toHaveBeenCalled();
});

describe('links: which capture owns them', () => {
  test('a tagged link is left to linkClicks, unless `links` is on', () => {
    start();
    const link = html('<a href="/trial" data-touchpoint="Start trial CTA"><b>Try</b></a>');
    click(link.querySelector('b')!);
    expect(emit).not.toHaveBeenCalled();
    stop!();
    start({ links: true });
    click(link.querySelector('b')!);
    expect(emit).toHaveBeenCalledWith('Start trial CTA', { touchpoint: 'Start trial CTA', touchpointKind: 'tagged' }, expect.objectContaining({ element: link }));
  });

  test('a tagged link without href is no link: it is recorded', () => {
    start();
    click(html('<a data-touchpoint="Open menu" role="button">Menu</a>'));
    expect(emit).toHaveBeenCalledTimes(1);
  });

  test('with both captures, a tagged link is one touchpoint: Link Clicked, named by the tag', () => {
    const stopLinks = linkClicks()(emit, fail);
    start();
    click(html('<a href="/trial" data-touchpoint="Start trial CTA" data-touchpoint-stage="decision">Try</a>'));
    stopLinks();
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.lastCall![0]).toBe('Link Clicked');
    expect(emit.mock.lastCall![1]).toMatchObject({ touchpoint: 'Start trial CTA', stage: 'decision', linkType: 'internal' });
  });

  test('with both captures, a tagged SVG <a xlink:href> is one touchpoint too: Link Clicked', () => {
    const stopLinks = linkClicks()(emit, fail);
    start();
    html(
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">' +
        '<a xlink:href="https://partner.example/map" data-touchpoint="Store map"><text>Stores</text></a></svg>',
    );
    click(document.querySelector('text')!);
    stopLinks();
    expect(emit.mock.calls.map((call) => call[0])).toEqual(['Link Clicked']);
    expect(emit.mock.lastCall![1]).toMatchObject({ touchpoint: 'Store map', href: 'https://partner.example/map' });
  });

  test('a link inside a tagged element: the tagged element, and Link Clicked for where it leads', () => {
    const stopLinks = linkClicks()(emit, fail);
    start();
    click(html('<div data-touchpoint="Pricing table"><a href="/checkout?plan=pro">Buy Pro</a></div>').querySelector('a')!);
    stopLinks();
    expect(emit.mock.calls.map((call) => call[0]).sort()).toEqual(['Link Clicked', 'Pricing table']);
  });
});

describe('forms: which capture owns them', () => {
  const ORDER = `<form data-touchpoint="Order placed" data-touchpoint-moment-of-truth>
    <input name="card" required><button>Place order</button></form>`;
  // Whatever forms waits for (the end of the task) has passed.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
  /**
   * A visitor presses a submit button: the click (which the page's `cancel` keeps jsdom from acting on), then what a
   * browser does: validate unless novalidate, fire submit, and unless it was cancelled, fire formdata.
   */
  const press = (button: HTMLButtonElement) => {
    click(button);
    const form = button.form!;
    if (!form.noValidate && !form.checkValidity()) return;
    if (form.dispatchEvent(new SubmitEvent('submit', { bubbles: true, cancelable: true, submitter: button })))
      form.dispatchEvent(new Event('formdata', { bubbles: true }));
  };
  let stopForms: (() => void) | undefined;
  /** Both captures, as the script tag runs them; returns the tagged form, filled in. */
  const order = () => {
    stopForms = forms()(emit, fail);
    start();
    const form = html(ORDER) as HTMLFormElement;
    form.querySelector('input')!.value = '4242';
    return form;
  };
  afterEach(() => stopForms?.());

  test('a tagged form submitted is one touchpoint: Form Submitted, named by the tag', async () => {
    press(order().querySelector('button')!);
    await settle();
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.lastCall![0]).toBe('Form Submitted');
    expect(emit.mock.lastCall![1]).toMatchObject({ touchpoint: 'Order placed', momentOfTruth: true, touchpointKind: 'form_submit' });
    expect(emit.mock.lastCall![1]).not.toHaveProperty('prevented');
  });

  test('a submit the page cancels to send the form itself (AJAX) is one touchpoint too, without countPrevented', async () => {
    const form = order();
    form.addEventListener('submit', (event) => event.preventDefault());
    press(form.querySelector('button')!);
    await settle();
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.lastCall![0]).toBe('Form Submitted');
    expect(emit.mock.lastCall![1]).toMatchObject({ touchpoint: 'Order placed', prevented: true });
  });

  test('an invalid form does not submit: no touchpoint, until the visitor fixes it and submits', async () => {
    const form = order();
    form.querySelector('input')!.value = '';
    press(form.querySelector('button')!);
    await settle();
    expect(emit).not.toHaveBeenCalled();
    form.querySelector('input')!.value = '4242';
    press(form.querySelector('button')!);
    await settle();
    expect(emit).toHaveBeenCalledTimes(1);
  });

  test('the page saying no to a cancelled submit (aria-invalid) is no submit either', async () => {
    const form = order();
    form.addEventListener('submit', (event) => (event.preventDefault(), form.querySelector('input')!.setAttribute('aria-invalid', 'true')));
    press(form.querySelector('button')!);
    await settle();
    expect(emit).not.toHaveBeenCalled();
  });

  test('a click in a tagged form is not its submit; `forms: true` records a click on its submit button, for when forms does not run', () => {
    start();
    const form = html(ORDER);
    click(form.querySelector('input')!);
    click(form.querySelector('button')!);
    expect(emit).not.toHaveBeenCalled();
    stop!();
    start({ forms: true });
    // The visitor clicks into the field to type, then submits: one touchpoint.
    click(form.querySelector('input')!);
    click(form.querySelector('button')!.appendChild(document.createElement('span')));
    expect(emit.mock.calls).toEqual([['Order placed', expect.objectContaining({ touchpointKind: 'tagged' }), expect.objectContaining({ element: form })]]);
  });

  test('a tagged button in a tagged form is two things the visitor did: the button, and the submit', async () => {
    const form = order();
    const button = form.querySelector('button')!;
    button.setAttribute('data-touchpoint', 'Place order button');
    press(button);
    await settle();
    expect(emit.mock.calls.map((call) => call[0]).sort()).toEqual(['Form Submitted', 'Place order button']);
  });
});

test('one click on a tagged <label> is one touchpoint, not two with the click the browser gives its control', async () => {
  document.removeEventListener('click', cancel); // nothing cancels the click: the label clicks its radio
  start();
  html('<label data-touchpoint="Choose Pro plan"><input type="radio" name="plan" value="pro"> <span>Pro</span></label>');
  document.querySelector('span')!.click();
  expect(document.querySelector('input')!.checked).toBe(true);
  // A click on the radio itself, later (another task), is one click too.
  await new Promise((resolve) => setTimeout(resolve));
  document.querySelector('input')!.click();
  expect(emit.mock.calls.map(([name]) => name)).toEqual(['Choose Pro plan', 'Choose Pro plan']);
});

test('seen in the capture phase: a page handler that stops the click cannot hide it', () => {
  start();
  const button = html('<button data-touchpoint="Buy">Buy</button>');
  button.addEventListener('click', (event) => event.stopImmediatePropagation());
  document.addEventListener('click', (event) => event.stopPropagation(), true);
  click(button);
  expect(emit).toHaveBeenCalledTimes(1);
});

test('inside an open shadow root', () => {
  start();
  const host = html('<div></div>');
  host.attachShadow({ mode: 'open' }).innerHTML = '<button data-touchpoint="Widget CTA"><span>Go</span></button>';
  click(host.shadowRoot!.querySelector('span')!);
  expect(emit).toHaveBeenCalledWith('Widget CTA', expect.anything(), expect.objectContaining({ element: host.shadowRoot!.firstElementChild }));
});

test('stop() stops it', () => {
  start();
  stop!();
  stop = undefined;
  click(html('<button data-touchpoint="Buy">Buy</button>'));
  expect(emit).not.toHaveBeenCalled();
});

describe('with a tracker and journeyStages', () => {
  afterEach(async () => {
    await stopTrackers();
    resetPage();
    localStorage.clear();
  });

  test('the markup stage is explicit, wins over the rules, and a rule can still mark the moment of truth', async () => {
    const { tracker, send } = makeTracker({
      captures: [taggedClicks()],
      processors: [journeyStages({ rules: { touchpoints: [{ event: 'Pricing CTA', stage: 'consideration', name: 'Renamed', momentOfTruth: true }] } })],
    });
    click(html('<button data-touchpoint="Pricing CTA" data-touchpoint-stage="decision">Buy</button>'));
    await tracker.flush();
    const [cta, reached] = send.events;
    expect(cta).toMatchObject({
      type: 'track',
      event: 'Pricing CTA',
      properties: { touchpoint: 'Pricing CTA', touchpointKind: 'tagged', stage: 'decision', stageFrom: 'explicit', momentOfTruth: true, interaction: 'direct' },
    });
    expect(reached).toMatchObject({ event: 'Journey Stage Reached', properties: { from: null, to: 'decision', cause: { name: 'Pricing CTA', messageId: cta.messageId } } });
    expect(send.events).toHaveLength(2);
  });
});
