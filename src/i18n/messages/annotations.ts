/** Strings of the annotations area. */
export const en = {
  'annotations.title': 'Annotations',
} as const;

export const ko: Record<keyof typeof en, string> = {
  'annotations.title': '댓글',
};
