/** Strings of the polls area. */
export const en = {
  'polls.title': 'Polls',
} as const;

export const ko: Record<keyof typeof en, string> = {
  'polls.title': '투표',
};
