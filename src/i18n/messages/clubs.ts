/** Strings of the clubs area. */
export const en = {
  'clubs.title': 'Clubs',
} as const;

export const ko: Record<keyof typeof en, string> = {
  'clubs.title': '클럽',
};
