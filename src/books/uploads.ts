/**
 * Pending uploads: a book file a moderator uploaded and is looking at in preview, before they
 * confirm (import) or cancel (delete). The bytes wait in `pending_imports`, not on disk, so a
 * cancelled or abandoned upload leaves nothing behind once its row is gone.
 *
 * - The id is 160 random bits (base32), so a preview URL cannot be guessed; even so, a pending
 *   upload is only ever shown to its uploader (everyone else gets 404).
 * - A pending upload expires after 24 hours. Expired rows are deleted lazily whenever any
 *   upload route runs, so no timer is needed and an expired id behaves as unknown.
 *
 * @example
 * const id = await createPendingUpload(db, { userId, clubId: null, filename, bytes, overrides: {}, now });
 * const upload = await findPendingUpload(db, id, userId, now); // undefined for others or when expired
 */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, eq, lt } from 'drizzle-orm';
import { first, type Db } from '../../db/connection';
import { pendingImports } from '../../db/schema';
import type { ImportOverrides } from './store';

export const PENDING_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export type PendingUpload = typeof pendingImports.$inferSelect;

export function newPendingUploadId(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export async function createPendingUpload(
  db: Db,
  input: { userId: number; clubId: number | null; filename: string; bytes: Uint8Array; overrides: ImportOverrides; now: number },
): Promise<string> {
  const id = newPendingUploadId();
  await db
    .insert(pendingImports)
    .values({
      id,
      userId: input.userId,
      clubId: input.clubId,
      filename: input.filename,
      bytes: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength),
      overrides: input.overrides,
      createdAt: input.now,
    });
  return id;
}

/** The uploader's own, unexpired pending upload, or undefined (unknown, someone else's, expired). */
export async function findPendingUpload(db: Db, id: string, userId: number, now: number): Promise<PendingUpload | undefined> {
  if (!/^[a-z2-7]{16,64}$/.test(id)) return undefined;
  const row = first(await db.select().from(pendingImports).where(eq(pendingImports.id, id)).limit(1));
  if (!row || row.userId !== userId || isExpired(row, now)) return undefined;
  return row;
}

export function isExpired(upload: Pick<PendingUpload, 'createdAt'>, now: number): boolean {
  return now - upload.createdAt >= PENDING_UPLOAD_TTL_MS;
}

export async function deletePendingUpload(db: Db, id: string, userId: number): Promise<void> {
  await db.delete(pendingImports).where(and(eq(pendingImports.id, id), eq(pendingImports.userId, userId)));
}

/** Deletes every pending upload older than 24 hours; returns how many went. */
export async function deleteExpiredUploads(db: Db, now: number): Promise<number> {
  const deleted = await db
    .delete(pendingImports)
    .where(lt(pendingImports.createdAt, now - PENDING_UPLOAD_TTL_MS + 1))
    .returning({ id: pendingImports.id });
  return deleted.length;
}

export function uploadBytes(upload: PendingUpload): Uint8Array {
  return new Uint8Array(upload.bytes.buffer, upload.bytes.byteOffset, upload.bytes.byteLength);
}

/** Replaces the overrides of the uploader's own pending upload (the preview's encoding choice). */
export async function updatePendingOverrides(db: Db, id: string, userId: number, overrides: ImportOverrides): Promise<void> {
  await db.update(pendingImports).set({ overrides }).where(and(eq(pendingImports.id, id), eq(pendingImports.userId, userId)));
}
