/**
 * The comment policy as a matrix: every role × private and public clubs × every action, on a
 * live club comment everyone is far enough to see; then the cases that change the answer
 * (private notes, gated comments, deleted and moderated comments, former members).
 */
import { describe, expect, it } from 'vitest';
import type { Club, ClubRole } from '../../../db/schema';
import { accessFor, type ClubAccess } from '../../../src/clubs/access';
import type { GateViewer } from '../../../src/annotations/gate';
import { COMMENT_ACTIONS, canSeeModeratedBody, canSeeModerationReason, commentCan, type CommentAction, type PolicyComment } from '../../../src/annotations/policy';

const AUTHOR = 1;
const OTHER = 2;
const MODERATOR = 3;
const OWNER = 4;
const OUTSIDER = 5;

function club(visibility: 'private' | 'public'): Club {
  return { id: 1, name: 'c', description: '', language: 'en', visibility, createdAt: 0 };
}

type Who = 'author' | 'other member' | 'moderator' | 'owner' | 'non-member' | 'signed out';
const WHO: Record<Who, { userId: number | null; role: ClubRole | null }> = {
  author: { userId: AUTHOR, role: 'member' },
  'other member': { userId: OTHER, role: 'member' },
  moderator: { userId: MODERATOR, role: 'moderator' },
  owner: { userId: OWNER, role: 'owner' },
  'non-member': { userId: OUTSIDER, role: null },
  'signed out': { userId: null, role: null },
};

function as(who: Who, visibility: 'private' | 'public', progress = 50): { access: ClubAccess; viewer: GateViewer } {
  const { userId, role } = WHO[who];
  return {
    access: accessFor(club(visibility), userId, role),
    viewer: { userId, progressPosition: role ? progress : 0, revealedChapterIds: new Set() },
  };
}

function comment(overrides: Partial<PolicyComment> = {}): PolicyComment {
  return { authorId: AUTHOR, anchorPosition: 0, visibility: 'club', chapterId: 7, deletedAt: null, moderation: null, ...overrides };
}

const T = true;
const F = false;
//                        view post reply edit delete hide remove react reveal settle
const PUBLIC: Record<Who, boolean[]> = {
  author: /*          */ [T, T, T, T, T, F, F, T, T, F],
  'other member': /*  */ [T, T, T, F, F, F, F, T, T, F],
  moderator: /*       */ [T, T, T, F, F, T, T, T, T, T],
  owner: /*           */ [T, T, T, F, F, T, T, T, T, T],
  'non-member': /*    */ [T, F, F, F, F, F, F, F, F, F],
  'signed out': /*    */ [T, F, F, F, F, F, F, F, F, F],
};
const PRIVATE: Record<Who, boolean[]> = {
  ...PUBLIC,
  'non-member': [F, F, F, F, F, F, F, F, F, F],
  'signed out': [F, F, F, F, F, F, F, F, F, F],
};

describe.each([
  ['public', PUBLIC],
  ['private', PRIVATE],
] as const)('in a %s club', (visibility, table) => {
  const cases = (Object.keys(table) as Who[]).flatMap((who) => COMMENT_ACTIONS.map((action, i) => [who, action, table[who][i]!] as const));
  it.each(cases)('%s may %s: %s', (who, action, expected) => {
    const { access, viewer } = as(who, visibility);
    const target = action === 'post' || action === 'reveal' ? null : comment();
    expect(commentCan(access, action, target, viewer)).toBe(expected);
  });
});

describe('what changes the answer', () => {
  const can = (who: Who, action: CommentAction, target: PolicyComment | null, options: { visibility?: 'private' | 'public'; progress?: number } = {}) => {
    const { access, viewer } = as(who, options.visibility ?? 'private', options.progress);
    return commentCan(access, action, target, viewer);
  };

  it('a club that does not exist for the reader (null access) allows nothing', () => {
    for (const action of COMMENT_ACTIONS) expect(commentCan(null, action, comment(), { userId: 1, progressPosition: 99, revealedChapterIds: new Set() })).toBe(false);
  });

  it('private notes: the author only, for everything; moderators can neither see nor moderate them', () => {
    const note = comment({ visibility: 'private' });
    expect(['view', 'reply', 'edit', 'delete', 'settle'].map((a) => can('author', a as CommentAction, note))).toEqual([T, T, T, T, T]);
    expect(can('author', 'react', note)).toBe(false);
    for (const who of ['other member', 'moderator', 'owner'] as const) {
      for (const action of ['view', 'reply', 'edit', 'delete', 'hide', 'remove', 'react', 'settle'] as const) expect(can(who, action, note)).toBe(false);
    }
  });

  it('a comment further on than the reader has read: nothing (the author still may)', () => {
    const ahead = comment({ anchorPosition: 80 });
    for (const action of ['view', 'reply', 'hide', 'remove', 'react'] as const) {
      expect(can('other member', action, ahead)).toBe(false);
      expect(can('moderator', action, ahead)).toBe(false);
    }
    expect(can('author', 'view', ahead, { progress: 0 })).toBe(true);
    expect(can('author', 'edit', ahead, { progress: 0 })).toBe(true);
    // Revealing the chapter opens it.
    const { access, viewer } = as('other member', 'private');
    expect(commentCan(access, 'reply', ahead, { ...viewer, revealedChapterIds: new Set([7]) })).toBe(true);
    expect(commentCan(access, 'reply', ahead, { ...viewer, revealedChapterIds: new Set([8]) })).toBe(false);
  });

  it('a deleted comment: seen as a placeholder, nothing else', () => {
    const deleted = comment({ deletedAt: 5 });
    expect(can('other member', 'view', deleted)).toBe(true);
    for (const action of ['reply', 'react'] as const) expect(can('other member', action, deleted)).toBe(false);
    for (const action of ['edit', 'delete'] as const) expect(can('author', action, deleted)).toBe(false);
    for (const action of ['hide', 'remove'] as const) expect(can('moderator', action, deleted)).toBe(false);
  });

  it('a hidden comment: the author may delete but not edit; a moderator may escalate to remove', () => {
    const hidden = comment({ moderation: 'hidden' });
    expect(can('author', 'edit', hidden)).toBe(false);
    expect(can('author', 'delete', hidden)).toBe(true);
    expect(can('other member', 'reply', hidden)).toBe(false);
    expect(can('other member', 'react', hidden)).toBe(false);
    expect(can('moderator', 'hide', hidden)).toBe(false);
    expect(can('moderator', 'remove', hidden)).toBe(true);
    expect(can('moderator', 'remove', comment({ moderation: 'removed' }))).toBe(false);
  });

  it('who reads a moderated body and its reason', () => {
    const hidden = comment({ moderation: 'hidden' });
    const removed = comment({ moderation: 'removed' });
    expect(canSeeModeratedBody(as('author', 'private').access, hidden)).toBe(true);
    expect(canSeeModeratedBody(as('moderator', 'private').access, hidden)).toBe(true);
    expect(canSeeModeratedBody(as('other member', 'private').access, hidden)).toBe(false);
    expect(canSeeModeratedBody(as('author', 'private').access, removed)).toBe(false);
    expect(canSeeModerationReason(as('author', 'private').access, removed)).toBe(true);
    expect(canSeeModerationReason(as('owner', 'private').access, removed)).toBe(true);
    expect(canSeeModerationReason(as('other member', 'private').access, hidden)).toBe(false);
    expect(canSeeModerationReason(as('non-member', 'public').access, hidden)).toBe(false);
    expect(canSeeModerationReason(as('author', 'private').access, comment())).toBe(false);
  });

  it('a former member of a public club may still delete what they wrote, not edit it', () => {
    const access = accessFor(club('public'), AUTHOR, null);
    const viewer = { userId: AUTHOR, progressPosition: 0, revealedChapterIds: new Set<number>() };
    expect(commentCan(access, 'delete', comment(), viewer)).toBe(true);
    expect(commentCan(access, 'edit', comment(), viewer)).toBe(false);
    expect(commentCan(access, 'post', null, viewer)).toBe(false);
  });

  it('a moderator who wrote a comment may moderate it and edit it', () => {
    const own = comment({ authorId: MODERATOR });
    expect(can('moderator', 'hide', own)).toBe(true);
    expect(can('moderator', 'edit', own)).toBe(true);
  });

  it('actions on one comment need the comment', () => {
    for (const action of ['view', 'reply', 'edit', 'delete', 'hide', 'remove', 'react'] as const) expect(can('owner', action, null)).toBe(false);
  });

  it('a viewer who is not the access holder is refused (mismatched facts fail closed)', () => {
    const { access } = as('author', 'private');
    expect(commentCan(access, 'edit', comment(), { userId: OTHER, progressPosition: 50, revealedChapterIds: new Set() })).toBe(false);
  });
});
