/** Fills the headline numbers. */
export const renderTotals = (root, totals) => {
  const money = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
  for (const node of root.querySelectorAll('[data-total]')) {
    const key = node.dataset.total;
    node.textContent = key === 'revenue' ? money.format(totals.revenue) : totals[key].toLocaleString('en');
  }
};
