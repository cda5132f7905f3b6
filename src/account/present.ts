/** Turns the member's own rows into the export document (plain JSON, nothing of anyone else). */
import type { Db } from '../../db/connection';
import {
  bookmarkRows,
  commentRows,
  flagRows,
  membershipRows,
  profileRow,
  progressRows,
  publicVoteRows,
  reactionRows,
  revisionRows,
} from './queries';
import type { AccountExport } from './types';

export const EXPORT_VERSION = 1;

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function buildExport(db: Db, userId: number, now: number): AccountExport | null {
  const user = profileRow(db, userId);
  if (!user) return null;
  const revisions = new Map<number, { body: string; createdAt: string | null }[]>();
  for (const r of revisionRows(db, userId)) {
    const list = revisions.get(r.commentId) ?? [];
    list.push({ body: r.body, createdAt: iso(r.createdAt) });
    revisions.set(r.commentId, list);
  }
  const votes = new Map<number, AccountExport['votes'][number]>();
  for (const v of publicVoteRows(db, userId)) {
    let vote = votes.get(v.pollId);
    if (!vote) {
      vote = { pollId: v.pollId, club: v.clubName, question: v.question, kind: v.kind, votedAt: iso(v.votedAt), choices: [] };
      votes.set(v.pollId, vote);
    }
    vote.choices.push({ option: v.option, rank: v.rank });
  }
  return {
    format: 'marginalia-account-export',
    version: EXPORT_VERSION,
    exportedAt: iso(now)!,
    profile: {
      username: user.username,
      displayName: user.displayName,
      locale: user.locale,
      timeZone: user.timeZone,
      fontStep: user.fontStep,
      createdAt: iso(user.createdAt),
    },
    memberships: membershipRows(db, userId).map((m) => ({ club: m.clubName, role: m.role, progressHidden: m.progressHidden, joinedAt: iso(m.joinedAt) })),
    progress: progressRows(db, userId).map((p) => ({ club: p.clubName, book: p.editionTitle, position: p.position, updatedAt: iso(p.updatedAt) })),
    comments: commentRows(db, userId).map((c) => ({
      id: c.id,
      club: c.clubName,
      book: c.editionTitle,
      chapter: { ordinal: c.chapterOrdinal, title: c.chapterTitle },
      paragraphOrdinal: c.paragraphOrdinal,
      passage:
        c.passageExact === null
          ? null
          : { exact: c.passageExact, prefix: c.passagePrefix, suffix: c.passageSuffix, start: c.passageStart, end: c.passageEnd },
      parentId: c.parentId,
      visibility: c.visibility,
      body: c.body,
      createdAt: iso(c.createdAt),
      editedAt: iso(c.editedAt),
      deletedAt: iso(c.deletedAt),
      moderation: c.moderation,
      revisions: revisions.get(c.id) ?? [],
    })),
    reactions: reactionRows(db, userId).map((r) => ({ commentId: r.commentId, reaction: r.reaction, createdAt: iso(r.createdAt) })),
    votes: [...votes.values()],
    flags: flagRows(db, userId).map((f) => ({ commentId: f.commentId, reason: f.reason, createdAt: iso(f.createdAt) })),
    bookmarks: bookmarkRows(db, userId).map((b) => ({ book: b.editionTitle, chapterOrdinal: b.chapterOrdinal, paragraphOrdinal: b.paragraphOrdinal, updatedAt: iso(b.updatedAt) })),
  };
}
