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

export async function buildExport(db: Db, userId: number, now: number): Promise<AccountExport | null> {
  const user = await profileRow(db, userId);
  if (!user) return null;
  const memberships = await membershipRows(db, userId);
  const progress = await progressRows(db, userId);
  const comments = await commentRows(db, userId);
  const revisionList = await revisionRows(db, userId);
  const reactions = await reactionRows(db, userId);
  const ballots = await publicVoteRows(db, userId);
  const flags = await flagRows(db, userId);
  const bookmarks = await bookmarkRows(db, userId);
  const revisions = new Map<number, { body: string; createdAt: string | null }[]>();
  for (const r of revisionList) {
    const list = revisions.get(r.commentId) ?? [];
    list.push({ body: r.body, createdAt: iso(r.createdAt) });
    revisions.set(r.commentId, list);
  }
  const votes = new Map<number, AccountExport['votes'][number]>();
  for (const v of ballots) {
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
    memberships: memberships.map((m) => ({ club: m.clubName, role: m.role, progressHidden: m.progressHidden, joinedAt: iso(m.joinedAt) })),
    progress: progress.map((p) => ({ club: p.clubName, book: p.editionTitle, position: p.position, updatedAt: iso(p.updatedAt) })),
    comments: comments.map((c) => ({
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
    reactions: reactions.map((r) => ({ commentId: r.commentId, reaction: r.reaction, createdAt: iso(r.createdAt) })),
    votes: [...votes.values()],
    flags: flags.map((f) => ({ commentId: f.commentId, reason: f.reason, createdAt: iso(f.createdAt) })),
    bookmarks: bookmarks.map((b) => ({ book: b.editionTitle, chapterOrdinal: b.chapterOrdinal, paragraphOrdinal: b.paragraphOrdinal, updatedAt: iso(b.updatedAt) })),
  };
}
