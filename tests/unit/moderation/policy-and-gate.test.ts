import { describe, expect, it } from 'vitest';
import type { ClubRole } from '../../../db/schema';
import { auditEntryFor } from '../../../src/moderation/audit';
import { adminCan, moderationCan, MODERATION_ACTIONS } from '../../../src/moderation/policy';
import { postingDecision } from '../../../src/moderation/posting-gate';

const club = { id: 1, name: 'c', description: '', language: 'en', visibility: 'public' as const, createdAt: 0 };
function access(role: ClubRole | null, userId: number | null = 10) {
  return { club, userId, role, isMember: role !== null, isModerator: role === 'owner' || role === 'moderator', isOwner: role === 'owner', canSee: true };
}
const live = { authorId: 99, visibility: 'club' as const, deletedAt: null, moderation: null };

describe('moderationCan: every role × every action', () => {
  const expected: Record<string, Record<string, boolean>> = {
    owner: { flag: true, seeQueue: true, decide: true, seeLog: true, settings: true, warn: true, mute: true, unmute: true, ban: true, unban: true },
    moderator: { flag: true, seeQueue: true, decide: true, seeLog: true, settings: true, warn: true, mute: true, unmute: true, ban: true, unban: true },
    member: { flag: true, seeQueue: false, decide: false, seeLog: false, settings: false, warn: false, mute: false, unmute: false, ban: false, unban: false },
    visitor: { flag: false, seeQueue: false, decide: false, seeLog: false, settings: false, warn: false, mute: false, unmute: false, ban: false, unban: false },
  };
  for (const [role, row] of Object.entries(expected)) {
    for (const action of MODERATION_ACTIONS) {
      it(`${role} ${action}`, () => {
        const a = access(role === 'visitor' ? null : (role as ClubRole));
        expect(moderationCan(a, action, { comment: live, target: { userId: 20, role: 'member' } })).toBe(row[action]);
      });
    }
  }
  it('targets: nobody acts on the owner or themselves; moderators only by the owner', () => {
    expect(moderationCan(access('moderator'), 'ban', { target: { userId: 1, role: 'owner' } })).toBe(false);
    expect(moderationCan(access('moderator'), 'mute', { target: { userId: 10, role: 'moderator' } })).toBe(false);
    expect(moderationCan(access('moderator'), 'mute', { target: { userId: 11, role: 'moderator' } })).toBe(false);
    expect(moderationCan(access('owner'), 'mute', { target: { userId: 11, role: 'moderator' } })).toBe(true);
  });
  it('flags: not one\'s own, not private, not deleted or already moderated', () => {
    const a = access('member');
    expect(moderationCan(a, 'flag', { comment: { ...live, authorId: 10 } })).toBe(false);
    expect(moderationCan(a, 'flag', { comment: { ...live, visibility: 'private' } })).toBe(false);
    expect(moderationCan(a, 'flag', { comment: { ...live, deletedAt: 1 } })).toBe(false);
    expect(moderationCan(a, 'flag', { comment: { ...live, moderation: 'hidden' } })).toBe(false);
    expect(moderationCan(null, 'flag', { comment: live })).toBe(false);
  });
  it('admin actions: admins only, never suspending themselves', () => {
    expect(adminCan({ id: 1, isAdmin: true }, 'suspend', { userId: 2 })).toBe(true);
    expect(adminCan({ id: 1, isAdmin: true }, 'suspend', { userId: 1 })).toBe(false);
    expect(adminCan({ id: 1, isAdmin: false }, 'listUsers')).toBe(false);
    expect(adminCan(null, 'removeBook')).toBe(false);
  });
});

describe('postingDecision', () => {
  const base = { kind: 'comment' as const, now: 10_000_000, accountCreatedAt: 0, mutedUntil: null, slowModeSeconds: 0, youngAccountComments: 3, lastCommentAt: null, recentCommentTimes: [] };
  it('mutes stop comments, reactions and votes, not other posting', () => {
    for (const kind of ['comment', 'reaction', 'vote'] as const) expect(postingDecision({ ...base, kind, mutedUntil: base.now + 1 })).toEqual({ kind: 'muted', until: base.now + 1 });
    expect(postingDecision({ ...base, kind: 'other', mutedUntil: base.now + 1 })).toBeNull();
    expect(postingDecision({ ...base, mutedUntil: base.now })).toBeNull();
  });
  it('slow mode waits the rest of N seconds, for comments only', () => {
    expect(postingDecision({ ...base, slowModeSeconds: 30, lastCommentAt: base.now - 10_000 })).toEqual({ kind: 'wait', seconds: 20, why: 'slow_mode' });
    expect(postingDecision({ ...base, slowModeSeconds: 30, lastCommentAt: base.now - 30_000 })).toBeNull();
    expect(postingDecision({ ...base, kind: 'reaction', slowModeSeconds: 30, lastCommentAt: base.now })).toBeNull();
  });
  it('accounts younger than a day post at most N comments per 10 minutes', () => {
    const young = { ...base, accountCreatedAt: base.now - 1000 };
    expect(postingDecision({ ...young, recentCommentTimes: [base.now - 3000, base.now - 2000] })).toBeNull();
    const d = postingDecision({ ...young, recentCommentTimes: [base.now - 60_000, base.now - 2000, base.now - 1000] });
    expect(d).toEqual({ kind: 'wait', seconds: 540, why: 'young_account' });
    expect(postingDecision({ ...young, youngAccountComments: 0, recentCommentTimes: [1, 2, 3].map((n) => base.now - n) })).toBeNull();
    expect(postingDecision({ ...base, accountCreatedAt: base.now - 25 * 3_600_000, recentCommentTimes: [1, 2, 3].map((n) => base.now - n) })).toBeNull();
  });
});

describe('auditEntryFor', () => {
  it('records moderator actions and ignores members\' ordinary events', () => {
    expect(auditEntryFor({ type: 'poll.closed', actorId: 1, clubId: 2, pollId: 3 }, 5)).toMatchObject({ action: 'poll_closed', subjectId: 3, actorId: 1, clubId: 2, createdAt: 5 });
    expect(auditEntryFor({ type: 'member.left', actorId: 1, clubId: 2, userId: 1, removed: false }, 5)).toBeNull();
    expect(auditEntryFor({ type: 'poll.voted', actorId: 1, clubId: 2, pollId: 3, withdrawn: false }, 5)).toBeNull();
    expect(auditEntryFor({ type: 'club.changed', actorId: 1, clubId: 2, what: 'invitations' }, 5)).toBeNull();
  });
});
