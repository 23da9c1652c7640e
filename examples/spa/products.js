/** The app's catalogue, by the slug in its URL. */
export const products = {
  'trail-runner': { id: 'TR-1', name: 'Trail Runner', price: 120, icon: '👟' },
  'day-pack': { id: 'DP-20', name: 'Day Pack 20 L', price: 80, icon: '🎒' },
  'rain-shell': { id: 'RS-3', name: 'Rain Shell', price: 150, icon: '🧥' },
};
