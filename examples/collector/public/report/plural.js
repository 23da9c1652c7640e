/** "1 visitor", "3 visitors": the count with its noun. */
export const plural = (count, noun, nouns = `${noun}s`) => `${count.toLocaleString('en')} ${count === 1 ? noun : nouns}`;
