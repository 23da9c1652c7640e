/**
 * The query parameters of ad clicks (Google, Microsoft, Meta, TikTok, LinkedIn, X, Pinterest, Reddit, Snapchat,
 * Yandex): with utm_*, what a landing carries and a page may tidy away, and what redaction always keeps.
 */
export const clickIds = ['gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid', 'epik', 'rdt_cid', 'sccid', 'yclid'];
