/** Strings of the books area. */
export const en = {
  'books.title': 'Books',
} as const;

export const ko: Record<keyof typeof en, string> = {
  'books.title': '책',
};
