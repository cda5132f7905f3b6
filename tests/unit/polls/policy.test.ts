/** The polls policy as a matrix: role × club visibility × action, plus the poll's situation. */
import { describe, expect, it } from 'vitest';
import type { Club, ClubRole } from '../../../db/schema';
import { accessFor } from '../../../src/clubs/access';
import { POLL_ACTIONS, pollRefusal, type PollAction, type PollFacts, type PollRefusal } from '../../../src/polls/policy';

const NOW = Date.UTC(2026, 10, 1, 9);
const club = (visibility: 'private' | 'public'): Club => ({ id: 7, name: 'Lantern', description: '', language: 'en', visibility, createdAt: 0 });

type Role = 'owner' | 'moderator' | 'member' | 'non-member' | 'signed-out';
const ROLES: Role[] = ['owner', 'moderator', 'member', 'non-member', 'signed-out'];

function accessOf(role: Role, visibility: 'private' | 'public') {
  const clubRole: ClubRole | null = role === 'owner' || role === 'moderator' || role === 'member' ? role : null;
  const access = accessFor(club(visibility), role === 'signed-out' ? null : 42, clubRole);
  // loadClubAccess answers null for a private club the reader cannot see.
  return access.canSee ? access : null;
}

const openPoll = (over: Partial<PollFacts> = {}): PollFacts => ({
  clubId: 7,
  chapterOpensAt: null,
  onChapter: false,
  hasOpened: true,
  isClosed: false,
  resultsVisible: true,
  now: NOW,
  ...over,
});

/** The table in src/polls/policy.ts, written out. */
function expected(role: Role, visibility: 'private' | 'public', action: PollAction): true | PollRefusal {
  const member = role === 'owner' || role === 'moderator' || role === 'member';
  if (!member && visibility === 'private') return 'not_found';
  const moderator = role === 'owner' || role === 'moderator';
  switch (action) {
    case 'view':
    case 'export':
      return true;
    case 'create':
    case 'edit':
    case 'close':
    case 'reopen':
    case 'delete':
      return role === 'signed-out' ? 'sign_in' : moderator ? true : 'forbidden';
    case 'vote':
    case 'withdraw':
      return role === 'signed-out' ? 'sign_in' : member ? true : 'forbidden';
  }
}

describe('pollRefusal matrix', () => {
  for (const visibility of ['private', 'public'] as const) {
    for (const role of ROLES) {
      for (const action of POLL_ACTIONS) {
        it(`${visibility} club, ${role}, ${action}`, () => {
          const refusal = pollRefusal(accessOf(role, visibility), action, action === 'create' ? undefined : openPoll());
          const want = expected(role, visibility, action);
          expect(refusal).toBe(want === true ? null : want);
        });
      }
    }
  }
});

describe('a poll of another club', () => {
  for (const role of ['owner', 'moderator', 'member'] as const) {
    for (const action of POLL_ACTIONS.filter((a) => a !== 'create')) {
      it(`${role} ${action} → not_found`, () => {
        expect(pollRefusal(accessOf(role, 'public'), action, openPoll({ clubId: 8 }))).toBe('not_found');
      });
    }
  }
  it('a missing poll is not found either', () => {
    expect(pollRefusal(accessOf('owner', 'public'), 'edit', undefined)).toBe('not_found');
  });
});

describe('the poll’s situation', () => {
  const member = accessOf('member', 'private');
  const moderator = accessOf('moderator', 'private');
  const lockedChapter = openPoll({ onChapter: true, chapterOpensAt: NOW + 1 });

  it('a chapter not yet open hides the poll from members, not from moderators', () => {
    expect(pollRefusal(member, 'view', lockedChapter)).toBe('chapter_not_open');
    expect(pollRefusal(member, 'vote', lockedChapter)).toBe('chapter_not_open');
    expect(pollRefusal(member, 'export', lockedChapter)).toBe('chapter_not_open');
    expect(pollRefusal(moderator, 'view', lockedChapter)).toBeNull();
    expect(pollRefusal(moderator, 'vote', lockedChapter)).toBeNull();
  });

  it('a chapter that opened at exactly now is open', () => {
    expect(pollRefusal(member, 'vote', openPoll({ onChapter: true, chapterOpensAt: NOW }))).toBeNull();
  });

  it('ballots need an open poll', () => {
    for (const action of ['vote', 'withdraw'] as const) {
      expect(pollRefusal(member, action, openPoll({ hasOpened: false }))).toBe('poll_not_open');
      expect(pollRefusal(member, action, openPoll({ isClosed: true }))).toBe('poll_closed');
      expect(pollRefusal(moderator, action, openPoll({ isClosed: true }))).toBe('poll_closed');
    }
  });

  it('export follows the results visibility fact, for moderators too', () => {
    for (const access of [member, moderator, accessOf('signed-out', 'public'), accessOf('non-member', 'public')]) {
      expect(pollRefusal(access, 'export', openPoll({ resultsVisible: false }))).toBe('results_hidden');
      expect(pollRefusal(access, 'export', openPoll({ resultsVisible: true }))).toBeNull();
    }
  });

  it('moderators may edit, close, reopen and delete whatever the poll’s state', () => {
    for (const facts of [openPoll({ isClosed: true }), openPoll({ hasOpened: false }), lockedChapter]) {
      for (const action of ['edit', 'close', 'reopen', 'delete'] as const) expect(pollRefusal(moderator, action, facts)).toBeNull();
    }
  });
});
