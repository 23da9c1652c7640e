/**
 * What is a link: `<a href>`, an SVG `<a xlink:href>` (exported SVG carries its href in the XLink namespace; `*|`
 * matches any namespace) and `<area href>`. One definition, because taggedClicks leaves to linkClicks exactly the
 * tagged elements linkClicks records: where the two differ, a tagged link counts twice, or not at all.
 */
export const linkSelector = 'a[*|href],area[href]';
