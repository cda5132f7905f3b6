/**
 * Helpers for the exports tests: posting comments as a reader would (through the form), and
 * reading a download.
 */
import { sql } from 'drizzle-orm';
import { comments } from '../../../db/schema';
import { selectorFor } from '../../../src/annotations/selectors';
import type { Client } from '../../helpers/app';
import type { AnnotationRoom } from '../annotations/room';

/** Posts a comment (a passage when `passage` is given, else on the paragraph) and returns its id. */
export async function postComment(
  room: AnnotationRoom,
  who: Client,
  place: { chapter: number; paragraph: number; passage?: string; body: string; visibility?: 'club' | 'private'; parentId?: number },
): Promise<number> {
  const paragraph = room.paragraphs(place.chapter)[place.paragraph - 1]!;
  const fields: Record<string, string | number> = { body: place.body, visibility: place.visibility ?? 'club' };
  if (place.parentId !== undefined) fields.parent_id = place.parentId;
  else fields.paragraph_id = paragraph.id;
  if (place.passage) {
    const start = paragraph.text.indexOf(place.passage);
    if (start < 0) throw new Error(`passage ${place.passage} not in paragraph`);
    const selector = selectorFor(paragraph.text, start, start + place.passage.length);
    Object.assign(fields, { passage_start: selector.start, passage_end: selector.end, passage_exact: selector.exact, passage_prefix: selector.prefix, passage_suffix: selector.suffix });
  }
  const response = await who.post(`/clubs/${room.clubId}/comments`, fields);
  if (response.status !== 303) throw new Error(`comment failed with ${response.status}: ${await response.text()}`);
  const id = /#c-(\d+)$/.exec(response.headers.get('location') ?? '')?.[1];
  if (id) return Number(id);
  const [row] = await room.testApp.db.select({ id: sql<number>`max(${comments.id})`.mapWith(Number) }).from(comments);
  return row!.id;
}

/** Uploads a Web Annotation document to the import form. */
export function uploadAnnotations(client: Client, readingId: number, document: unknown, name = 'notes.jsonld'): Promise<Response> {
  const form = new FormData();
  form.set('reading', String(readingId));
  form.set('file', new File([typeof document === 'string' ? document : JSON.stringify(document)], name, { type: 'application/ld+json' }));
  return client.post('/account/annotations/upload', form);
}
