/** Checking the exports area's input: the import form and the annotated edition's choices. */
import { z } from 'zod';

/** `?club=` of a member's export: absent (everything) or a positive id. */
export function clubParam(value: string | undefined): number | null | 'invalid' {
  if (value === undefined || value === '' || value === 'all') return null;
  return /^[1-9]\d{0,15}$/.test(value) ? Number(value) : 'invalid';
}

/** `?page=` of a collection: absent (the collection itself) or 1, 2, … */
export function pageParam(value: string | undefined): number | null | 'invalid' {
  if (value === undefined) return null;
  return /^[1-9]\d{0,6}$/.test(value) ? Number(value) : 'invalid';
}

export const importFormSchema = z.object({
  reading: z.string({ error: 'exports.import.error.reading' }).regex(/^[1-9]\d{0,15}$/, 'exports.import.error.reading').transform(Number),
});

export const editionFormSchema = z.object({
  chapter: z.string({ error: 'exports.error.chapter' }).regex(/^(all|[1-9]\d{0,5})$/, 'exports.error.chapter'),
  names: z.enum(['names', 'anonymous'], { error: 'exports.error.names' }),
});
export type EditionChoice = z.infer<typeof editionFormSchema>;
