import { expect, test } from 'vitest';
import { explain } from '../../../src/inspector/explain';
import { journeyStages } from '../../../src/journey/journeyStages';
import type { Rules } from '../../../src/journey/parseRules';
import type { Touchpoint } from '../../../src/types';
import { touchpoint } from '../../helpers/touchpoints';

/** A page view of `path`, landed on from a campaign of `medium`. */
const pageView = (path: string, medium?: string) => {
  const t = touchpoint({ type: 'page', event: undefined, properties: { touchpoint: 'Page View', touchpointKind: 'page_view' } });
  t.context.page = { ...t.context.page, url: `http://localhost:3000${path}`, path };
  if (medium) t.context.campaign = { source: 'flyer', medium };
  return t;
};
/** The touchpoint as journeyStages tagged it with `rules`. */
const tag = (t: Touchpoint, rules: Rules) => {
  const out = journeyStages({ rules })(t, undefined, false) as Touchpoint | Touchpoint[];
  return Array.isArray(out) ? out[0]! : out;
};

// README: utmMedium matches "in any case (`qr` is also `QR`)". A flyer's QR code tagged utm_medium=QR.
test('a utmMedium rule is explained as journeyStages applied it: without case', () => {
  const rules: Rules = { touchpoints: [{ utmMedium: 'qr', name: 'Flyer QR code', stage: 'consideration' }] };
  const tagged = tag(pageView('/', 'QR'), rules);
  expect(tagged.properties).toMatchObject({ stage: 'consideration', stageFrom: 'rule', touchpoint: 'Flyer QR code' });
  expect(explain(tagged, rules)).toEqual({ why: 'rule touchpoints[0]', stageRule: 0, matched: [0] });
});

test('a url rule is explained as journeyStages applied it: decoded, with or without a trailing slash', () => {
  const rules: Rules = { touchpoints: [{ url: '/produits/été/', name: 'Summer range', stage: 'consideration' }] };
  const tagged = tag(pageView('/produits/%C3%A9t%C3%A9'), rules);
  expect(tagged.properties).toMatchObject({ stage: 'consideration', stageFrom: 'rule' });
  expect(explain(tagged, rules)).toEqual({ why: 'rule touchpoints[0]', stageRule: 0, matched: [0] });
});
