/**
 * Whether a `utm_medium` (in lower case) is one GA4's default channel groups call paid (`cpc`, `ppc`,
 * `social-cpc`, `paid_social`, `retargeting`…) and whether it is a display medium (`display`, `banner`,
 * `expandable`, `interstitial`, `cpm`): support.google.com/analytics/answer/9756891. `cpm` is both. One
 * definition, so that a landing journeyStages calls an ad is one channels calls paid or display.
 */
export const adMedium = (medium: string): [paid: boolean, display: boolean] => [
  /^(.*cp.*|ppc|retargeting|paid.*)$/.test(medium),
  /^(display|banner|expandable|interstitial|cpm)$/.test(medium),
];
