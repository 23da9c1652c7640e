/** Whether the browser sends Global Privacy Control, or Do Not Track (read where each browser keeps it). */
export const privacySignal = (): boolean =>
  (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true ||
  [navigator.doNotTrack, (window as { doNotTrack?: string }).doNotTrack].includes('1');
