/** The journey stages when a site names none of its own, first to last. */
export const defaultStages = ['awareness', 'consideration', 'decision', 'purchase', 'retention', 'advocacy'];
