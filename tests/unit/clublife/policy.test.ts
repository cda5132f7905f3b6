/**
 * The club-life policy as a matrix: every action × every role × private and public clubs ×
 * a target in the reader's club or another club (always not_found, like a missing one).
 */
import { describe, expect, it } from 'vitest';
import type { Club, ClubRole } from '../../../db/schema';
import { clubLifeRefusal, LIFE_ACTIONS, type LifeAction, type LifeTarget } from '../../../src/clublife/policy';
import type { ClubAccess } from '../../../src/clubs';

type Role = ClubRole | 'visitor' | 'signed_out';
const ROLES: Role[] = ['owner', 'moderator', 'member', 'visitor', 'signed_out'];
const NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

function accessOf(role: Role, visibility: 'private' | 'public'): ClubAccess | null {
  const club: Club = { id: 1, name: 'C', description: '', language: 'ko', visibility, createdAt: 0 };
  const member = role === 'owner' || role === 'moderator' || role === 'member';
  if (!member && visibility === 'private') return null; // loadClubAccess: 404
  return {
    club,
    userId: role === 'signed_out' ? null : 7,
    role: member ? (role as ClubRole) : null,
    isMember: member,
    isModerator: role === 'owner' || role === 'moderator',
    isOwner: role === 'owner',
    canSee: true,
  };
}

/** The target in the state where the action is possible at all. */
function goodTarget(action: LifeAction, clubId: number): LifeTarget {
  const base = { clubId, now: NOW };
  switch (action) {
    case 'nominate':
    case 'startVote':
      return { ...base, phase: 'nominating' };
    case 'vote':
    case 'closeVote':
      return { ...base, phase: 'voting' };
    case 'adoptWinner':
      return { ...base, phase: 'ended' };
    case 'markSlot':
    case 'decideTime':
      return { ...base, timeDecided: false };
    case 'rsvp':
      return { ...base, timeDecided: true, startsAt: NOW + DAY, cancelled: false };
    case 'editMeeting':
    case 'cancelMeeting':
      return { ...base, timeDecided: true, startsAt: NOW + DAY, cancelled: false };
    case 'restoreMeeting':
      return { ...base, timeDecided: true, startsAt: NOW + DAY, cancelled: true };
    case 'reply':
      return { ...base, chapterOpensAt: null, answerVisible: true };
    case 'markShelf':
      return { ...base, readingEnded: true };
    default:
      return { ...base, chapterOpensAt: null };
  }
}

const MODERATOR_ONLY: LifeAction[] = ['openNominations', 'startVote', 'closeVote', 'adoptWinner', 'proposeMeeting', 'decideTime', 'editMeeting', 'cancelMeeting', 'restoreMeeting', 'addQuestion'];

function expected(role: Role, visibility: 'private' | 'public', action: LifeAction): string | null {
  if (visibility === 'private' && (role === 'visitor' || role === 'signed_out')) return 'not_found';
  if (role === 'signed_out') return 'sign_in';
  if (role === 'visitor') return 'forbidden';
  if (MODERATOR_ONLY.includes(action) && role === 'member') return 'forbidden';
  return null;
}

describe('club-life policy matrix', () => {
  for (const visibility of ['private', 'public'] as const) {
    for (const role of ROLES) {
      for (const action of LIFE_ACTIONS) {
        it(`${visibility} · ${role} · ${action}`, () => {
          const access = accessOf(role, visibility);
          expect(clubLifeRefusal(access, action, goodTarget(action, 1))).toBe(expected(role, visibility, action));
          // The same thing in another club: as absent as a missing one, for everyone (club-level actions have no target).
          if (!['view', 'openNominations', 'proposeMeeting'].includes(action)) {
            expect(clubLifeRefusal(access, action, goodTarget(action, 2))).toBe('not_found');
            expect(clubLifeRefusal(access, action, undefined)).toBe('not_found');
          }
        });
      }
    }
  }
});

describe('states', () => {
  const member = accessOf('member', 'private');
  const moderator = accessOf('moderator', 'private');
  const t = (extra: Partial<LifeTarget>): LifeTarget => ({ clubId: 1, now: NOW, ...extra });
  it('nominations and votes follow the phase', () => {
    expect(clubLifeRefusal(member, 'nominate', t({ phase: 'voting' }))).toBe('wrong_phase');
    expect(clubLifeRefusal(member, 'vote', t({ phase: 'nominating' }))).toBe('wrong_phase');
    expect(clubLifeRefusal(member, 'vote', t({ phase: 'ended' }))).toBe('wrong_phase');
    expect(clubLifeRefusal(moderator, 'adoptWinner', t({ phase: 'voting' }))).toBe('wrong_phase');
    expect(clubLifeRefusal(moderator, 'startVote', t({ phase: 'voting' }))).toBe('wrong_phase');
  });
  it('candidate times until decided, RSVP after', () => {
    expect(clubLifeRefusal(member, 'markSlot', t({ timeDecided: true }))).toBe('wrong_phase');
    expect(clubLifeRefusal(member, 'rsvp', t({ timeDecided: false }))).toBe('wrong_phase');
    expect(clubLifeRefusal(moderator, 'decideTime', t({ timeDecided: true }))).toBe('wrong_phase');
  });
  it('a cancelled meeting takes no marks, RSVP, decision, edit or second cancel; only a restore', () => {
    const cancelled = { timeDecided: true, startsAt: NOW + DAY, cancelled: true };
    expect(clubLifeRefusal(member, 'rsvp', t(cancelled))).toBe('wrong_phase');
    expect(clubLifeRefusal(moderator, 'editMeeting', t(cancelled))).toBe('wrong_phase');
    expect(clubLifeRefusal(moderator, 'cancelMeeting', t(cancelled))).toBe('wrong_phase');
    expect(clubLifeRefusal(moderator, 'restoreMeeting', t(cancelled))).toBeNull();
    expect(clubLifeRefusal(member, 'markSlot', t({ timeDecided: false, startsAt: null, cancelled: true }))).toBe('wrong_phase');
    expect(clubLifeRefusal(moderator, 'decideTime', t({ timeDecided: false, startsAt: null, cancelled: true }))).toBe('wrong_phase');
    // Not cancelled: nothing to restore.
    expect(clubLifeRefusal(moderator, 'restoreMeeting', t({ timeDecided: true, startsAt: NOW + DAY, cancelled: false }))).toBe('wrong_phase');
  });
  it('a meeting that has started is history: no edit, cancel or restore; one still choosing a time can be edited', () => {
    for (const startsAt of [NOW, NOW - DAY]) {
      expect(clubLifeRefusal(moderator, 'editMeeting', t({ timeDecided: true, startsAt, cancelled: false }))).toBe('wrong_phase');
      expect(clubLifeRefusal(moderator, 'cancelMeeting', t({ timeDecided: true, startsAt, cancelled: false }))).toBe('wrong_phase');
      expect(clubLifeRefusal(moderator, 'restoreMeeting', t({ timeDecided: true, startsAt, cancelled: true }))).toBe('wrong_phase');
    }
    expect(clubLifeRefusal(moderator, 'editMeeting', t({ timeDecided: false, startsAt: null, cancelled: false }))).toBeNull();
    expect(clubLifeRefusal(moderator, 'cancelMeeting', t({ timeDecided: false, startsAt: null, cancelled: false }))).toBeNull();
    expect(clubLifeRefusal(member, 'editMeeting', t({ timeDecided: false, startsAt: null, cancelled: false }))).toBe('forbidden');
  });
  it('answers wait for the chapter to open (moderators read every chapter); a hidden answer cannot be replied to', () => {
    expect(clubLifeRefusal(member, 'answer', t({ chapterOpensAt: NOW + 1 }))).toBe('chapter_not_open');
    expect(clubLifeRefusal(moderator, 'answer', t({ chapterOpensAt: NOW + 1 }))).toBeNull();
    expect(clubLifeRefusal(member, 'reply', t({ chapterOpensAt: null, answerVisible: false }))).toBe('not_found');
  });
  it('the shelf takes marks on finished readings only', () => {
    expect(clubLifeRefusal(member, 'markShelf', t({ readingEnded: false }))).toBe('wrong_phase');
  });
});
