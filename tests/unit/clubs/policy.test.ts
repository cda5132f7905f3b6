/**
 * The clubs policy as a matrix: every role × every action × private and public clubs.
 * The expected answers are written out by hand (not derived from the policy's own logic), so a
 * change in who may do what shows up here as a failing cell.
 */
import { describe, expect, test } from 'vitest';
import type { Club, ClubRole } from '../../../db/schema';
import { accessFor, type ClubAccess } from '../../../src/clubs/access';
import { CLUB_ACTIONS, chapterOpenTo, clubCan, type ClubAction, type ClubActionExtra } from '../../../src/clubs/policy';

const NOW = Date.UTC(2026, 10, 1, 9);
const ROLES = ['owner', 'moderator', 'member', 'outsider', 'visitor'] as const;
type Who = (typeof ROLES)[number];
const ID: Record<Who, number | null> = { owner: 1, moderator: 2, member: 3, outsider: 4, visitor: null };

function club(visibility: 'private' | 'public'): Club {
  return { id: 10, name: 'Lanterns', description: '', language: 'en', visibility, createdAt: 0 };
}

/** Access as the route sees it: null when `loadClubAccess` would hide the club. */
function accessOf(who: Who, visibility: 'private' | 'public'): ClubAccess | null {
  const role: ClubRole | null = who === 'owner' || who === 'moderator' || who === 'member' ? who : null;
  const access = accessFor(club(visibility), ID[who], role);
  return access.canSee ? access : null;
}

/** Access without the visibility filter (what the invitation flow builds from `accessFor`). */
function rawAccessOf(who: Who, visibility: 'private' | 'public'): ClubAccess {
  const role: ClubRole | null = who === 'owner' || who === 'moderator' || who === 'member' ? who : null;
  return accessFor(club(visibility), ID[who], role);
}

const plainMember = { userId: 50, role: 'member' as const };
const otherModerator = { userId: 51, role: 'moderator' as const };

/** One representative case per action (targets are another member, or another moderator for demote). */
const CASES: Record<ClubAction, ClubActionExtra> = {
  view: {},
  seeMembers: {},
  join: {},
  acceptInvite: {},
  leave: {},
  listInvites: {},
  invite: {},
  inviteModerator: {},
  revokeInvite: {},
  removeMember: { target: plainMember },
  promote: { target: plainMember },
  demote: { target: otherModerator },
  transferOwnership: { target: plainMember },
  pickBook: {},
  setSchedule: {},
  readChapter: { opensAt: NOW + 86_400_000, now: NOW },
  recordProgress: {},
  hideProgress: {},
  seeMemberProgress: { target: { ...plainMember, progressHidden: false } },
};

// owner, moderator, member, outsider, visitor
type Row = [boolean, boolean, boolean, boolean, boolean];
const T = true;
const F = false;

const EXPECTED: Record<'private' | 'public', Record<ClubAction, Row>> = {
  private: {
    view: [T, T, T, F, F],
    seeMembers: [T, T, T, F, F],
    join: [F, F, F, F, F],
    acceptInvite: [F, F, F, F, F], // hidden club: null access refuses; the invite flow uses raw access (below)
    leave: [F, T, T, F, F],
    listInvites: [T, T, F, F, F],
    invite: [T, T, F, F, F],
    inviteModerator: [T, F, F, F, F],
    revokeInvite: [T, T, F, F, F],
    removeMember: [T, T, F, F, F],
    promote: [T, F, F, F, F],
    demote: [T, F, F, F, F],
    transferOwnership: [T, F, F, F, F],
    pickBook: [T, T, F, F, F],
    setSchedule: [T, T, F, F, F],
    readChapter: [T, T, F, F, F],
    recordProgress: [T, T, T, F, F],
    hideProgress: [T, T, T, F, F],
    seeMemberProgress: [T, T, T, F, F],
  },
  public: {
    view: [T, T, T, T, T],
    seeMembers: [T, T, T, F, F],
    join: [F, F, F, T, F],
    acceptInvite: [F, F, F, T, F],
    leave: [F, T, T, F, F],
    listInvites: [T, T, F, F, F],
    invite: [T, T, F, F, F],
    inviteModerator: [T, F, F, F, F],
    revokeInvite: [T, T, F, F, F],
    removeMember: [T, T, F, F, F],
    promote: [T, F, F, F, F],
    demote: [T, F, F, F, F],
    transferOwnership: [T, F, F, F, F],
    pickBook: [T, T, F, F, F],
    setSchedule: [T, T, F, F, F],
    readChapter: [T, T, F, F, F],
    recordProgress: [T, T, T, F, F],
    hideProgress: [T, T, T, F, F],
    seeMemberProgress: [T, T, T, F, F],
  },
};

describe('clubCan matrix', () => {
  test('the matrix covers every action', () => {
    expect(Object.keys(EXPECTED.private).sort()).toEqual([...CLUB_ACTIONS].sort());
    expect(Object.keys(CASES).sort()).toEqual([...CLUB_ACTIONS].sort());
  });

  for (const visibility of ['private', 'public'] as const) {
    for (const action of CLUB_ACTIONS) {
      test.each(ROLES.map((who, index) => [who, EXPECTED[visibility][action][index]!] as const))(`${visibility} · ${action} · %s → %s`, (who, allowed) => {
        expect(clubCan(accessOf(who, visibility), action, CASES[action])).toBe(allowed);
      });
    }
  }

  test('no access at all refuses every action', () => {
    for (const action of CLUB_ACTIONS) expect(clubCan(null, action, CASES[action])).toBe(false);
  });
});

describe('actions that depend on their details', () => {
  const vis = ['private', 'public'] as const;

  test('an invitation lets a signed-in non-member join even a private club, never a visitor or a member', () => {
    for (const visibility of vis) {
      expect(clubCan(rawAccessOf('outsider', visibility), 'acceptInvite')).toBe(true);
      expect(clubCan(rawAccessOf('visitor', visibility), 'acceptInvite')).toBe(false);
      for (const who of ['owner', 'moderator', 'member'] as const) expect(clubCan(rawAccessOf(who, visibility), 'acceptInvite')).toBe(false);
    }
  });

  test('a hidden club stays hidden even with raw access', () => {
    for (const action of CLUB_ACTIONS.filter((a) => a !== 'acceptInvite')) {
      expect(clubCan(rawAccessOf('outsider', 'private'), action, CASES[action])).toBe(false);
      expect(clubCan(rawAccessOf('visitor', 'private'), action, CASES[action])).toBe(false);
    }
  });

  test('nobody removes the owner; only the owner removes moderators; nobody removes themselves', () => {
    const owner = accessOf('owner', 'private');
    const moderator = accessOf('moderator', 'private');
    expect(clubCan(owner, 'removeMember', { target: { userId: 99, role: 'owner' } })).toBe(false);
    expect(clubCan(moderator, 'removeMember', { target: { userId: 1, role: 'owner' } })).toBe(false);
    expect(clubCan(owner, 'removeMember', { target: otherModerator })).toBe(true);
    expect(clubCan(moderator, 'removeMember', { target: otherModerator })).toBe(false);
    expect(clubCan(moderator, 'removeMember', { target: { userId: 2, role: 'moderator' } })).toBe(false);
    expect(clubCan(owner, 'removeMember', { target: { userId: 1, role: 'owner' } })).toBe(false);
  });

  test('promote only members, demote only moderators, never oneself', () => {
    const owner = accessOf('owner', 'public');
    expect(clubCan(owner, 'promote', { target: otherModerator })).toBe(false);
    expect(clubCan(owner, 'demote', { target: plainMember })).toBe(false);
    expect(clubCan(owner, 'demote', { target: { userId: 1, role: 'owner' } })).toBe(false);
    expect(clubCan(owner, 'promote', { target: { userId: 1, role: 'owner' } })).toBe(false);
  });

  test('ownership goes to another member or moderator, not to oneself', () => {
    const owner = accessOf('owner', 'private');
    expect(clubCan(owner, 'transferOwnership', { target: otherModerator })).toBe(true);
    expect(clubCan(owner, 'transferOwnership', { target: { userId: 1, role: 'owner' } })).toBe(false);
  });

  test('without a target, the answer is whether the reader may do it to anyone', () => {
    expect(clubCan(accessOf('owner', 'private'), 'promote')).toBe(true);
    expect(clubCan(accessOf('moderator', 'private'), 'promote')).toBe(false);
    expect(clubCan(accessOf('moderator', 'private'), 'removeMember')).toBe(true);
    expect(clubCan(accessOf('member', 'private'), 'removeMember')).toBe(false);
    expect(clubCan(accessOf('owner', 'private'), 'transferOwnership')).toBe(true);
    expect(clubCan(accessOf('moderator', 'private'), 'transferOwnership')).toBe(false);
  });

  test('hidden progress is seen by its reader only, whatever the role of the viewer', () => {
    const hidden = { userId: 50, role: 'member' as const, progressHidden: true };
    for (const who of ['owner', 'moderator', 'member'] as const) expect(clubCan(accessOf(who, 'private'), 'seeMemberProgress', { target: hidden })).toBe(false);
    expect(clubCan(accessOf('member', 'private'), 'seeMemberProgress', { target: { userId: 3, role: 'member', progressHidden: true } })).toBe(true);
  });

  test.each([
    ['no date', null, [T, T, T, F, F], [T, T, T, T, T]],
    ['opened yesterday', NOW - 86_400_000, [T, T, T, F, F], [T, T, T, T, T]],
    ['opens this very moment', NOW, [T, T, T, F, F], [T, T, T, T, T]],
    ['opens tomorrow', NOW + 86_400_000, [T, T, F, F, F], [T, T, F, F, F]],
  ] as const)('readChapter / chapterOpenTo when the chapter has %s', (_label, opensAt, privateRow, publicRow) => {
    ROLES.forEach((who, index) => {
      expect(clubCan(accessOf(who, 'private'), 'readChapter', { opensAt, now: NOW })).toBe(privateRow[index]);
      expect(chapterOpenTo(accessOf(who, 'private'), opensAt, NOW)).toBe(privateRow[index]);
      expect(clubCan(accessOf(who, 'public'), 'readChapter', { opensAt, now: NOW })).toBe(publicRow[index]);
      expect(chapterOpenTo(accessOf(who, 'public'), opensAt, NOW)).toBe(publicRow[index]);
    });
  });

  test('a dated chapter without a clock is closed to members (fail closed)', () => {
    expect(clubCan(accessOf('member', 'private'), 'readChapter', { opensAt: NOW })).toBe(false);
    expect(clubCan(accessOf('moderator', 'private'), 'readChapter', { opensAt: NOW })).toBe(true);
  });
});
