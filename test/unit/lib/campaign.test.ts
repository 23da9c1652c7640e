// @vitest-environment node
// Pure code: no DOM needed, and jsdom is the slow part of a test file.
import { expect, test } from 'vitest';
import { campaign } from '../../../src/lib/campaign';

test('maps utm_* parameters to Segment names: utm_campaign becomes name, the rest lose their prefix', () => {
  expect(
    campaign('?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale&utm_term=running+shoes&utm_content=banner'),
  ).toEqual({ source: 'google', medium: 'cpc', name: 'spring_sale', term: 'running shoes', content: 'banner' });
});

test('ignores parameters that are not utm_*, and empty utm values', () => {
  expect(campaign('?q=shoes&utm_source=news&utm_medium=&page=2')).toEqual({ source: 'news' });
});

test('decodes values', () => {
  expect(campaign('?utm_campaign=caf%C3%A9%20%26%20more')).toEqual({ name: 'café & more' });
});

test('keeps utm parameters beyond the five standard ones', () => {
  expect(campaign('?utm_id=42&utm_source_platform=meta')).toEqual({ id: '42', source_platform: 'meta' });
});

test.each(['', '?', '?q=1', '?utm_source=', '?UTM_SOURCE=google'])('returns undefined when there is no campaign: %j', (search) => {
  expect(campaign(search)).toBeUndefined();
});

test('accepts a query without its leading ?', () => {
  expect(campaign('utm_source=x')).toEqual({ source: 'x' });
});
