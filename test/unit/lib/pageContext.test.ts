import { afterEach, expect, test } from 'vitest';
import { pageContext } from '../../../src/lib/pageContext';
import { resetPage, setUrl } from '../../helpers/page';

afterEach(resetPage);

test('describes the current page as Segment context.page', () => {
  setUrl('/shop/shoes?color=red#reviews');
  document.title = 'Red shoes';
  expect(pageContext()).toEqual({
    url: 'http://localhost:3000/shop/shoes?color=red#reviews',
    path: '/shop/shoes',
    title: 'Red shoes',
    referrer: document.referrer,
    search: '?color=red',
  });
});

test('takes the referrer it is given (the previous SPA route)', () => {
  expect(pageContext('http://localhost:3000/before').referrer).toBe('http://localhost:3000/before');
});
