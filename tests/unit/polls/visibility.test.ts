import { describe, expect, it } from 'vitest';
import {
  pollHasOpened,
  pollIsClosed,
  pollIsOpen,
  pollResultsVisibleTo,
  type PollState,
  type PollViewer,
  type ResultsVisibility,
} from '../../../src/polls/visibility.js';

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const CHAPTER_LAST = 50;

/** A poll with no dates and no chapter, but for what is given. */
const unsetPoll = (given: Partial<PollState> & Pick<PollState, 'resultsVisibility'>): PollState => ({ opensAt: null, closesAt: null, closedAt: null, chapterLastPosition: null, ...given });

type StateName = 'not open' | 'open' | 'closed by date' | 'closed by hand' | 'reopened';
const STATES: StateName[] = ['not open', 'open', 'closed by date', 'closed by hand', 'reopened'];

function pollIn(state: StateName, resultsVisibility: ResultsVisibility): PollState {
  const base = { resultsVisibility, chapterLastPosition: CHAPTER_LAST };
  switch (state) {
    case 'not open':
      return { ...base, opensAt: NOW + HOUR, closesAt: NOW + 2 * HOUR, closedAt: null };
    case 'open':
      return { ...base, opensAt: NOW - HOUR, closesAt: NOW + HOUR, closedAt: null };
    case 'closed by date':
      return { ...base, opensAt: NOW - 2 * HOUR, closesAt: NOW - HOUR, closedAt: null };
    case 'closed by hand':
      return { ...base, opensAt: null, closesAt: null, closedAt: NOW - HOUR };
    case 'reopened':
      // Was closed; a moderator cleared closedAt and moved the closing date forward.
      return { ...base, opensAt: NOW - 3 * HOUR, closesAt: NOW + HOUR, closedAt: null };
  }
}

const member = { isMember: true, canSeeClub: true, isModerator: false };
const VIEWERS: Record<string, PollViewer> = {
  'member, voted, chapter read': { ...member, hasVoted: true, progressPosition: CHAPTER_LAST },
  'member, voted, chapter unread': { ...member, hasVoted: true, progressPosition: CHAPTER_LAST - 1 },
  'member, not voted, chapter read': { ...member, hasVoted: false, progressPosition: 400 },
  'member, not voted, chapter unread': { ...member, hasVoted: false, progressPosition: 0 },
  'moderator, not voted, unread': { ...member, isModerator: true, hasVoted: false, progressPosition: 0 },
  'moderator, voted, unread': { ...member, isModerator: true, hasVoted: true, progressPosition: 0 },
  'non-member of a public club': { isMember: false, canSeeClub: true, isModerator: false, hasVoted: false, progressPosition: 0 },
  'signed out, public club': { isMember: false, canSeeClub: true, isModerator: false, hasVoted: false, progressPosition: 0 },
  'outsider of a private club': { isMember: false, canSeeClub: false, isModerator: false, hasVoted: false, progressPosition: 0 },
};

/**
 * Expected visibility per setting and viewer, one letter per state in STATES order:
 * not open, open, closed by date, closed by hand, reopened.
 */
const EXPECTED: Record<ResultsVisibility, Record<keyof typeof VIEWERS, string>> = {
  always: {
    'member, voted, chapter read': '-YYYY',
    'member, voted, chapter unread': '-YYYY',
    'member, not voted, chapter read': '-YYYY',
    'member, not voted, chapter unread': '-YYYY',
    'moderator, not voted, unread': '-YYYY',
    'moderator, voted, unread': '-YYYY',
    'non-member of a public club': '-YYYY',
    'signed out, public club': '-YYYY',
    'outsider of a private club': '-----',
  },
  after_vote: {
    'member, voted, chapter read': '-YYYY',
    'member, voted, chapter unread': '-YYYY',
    'member, not voted, chapter read': '--YY-',
    'member, not voted, chapter unread': '--YY-',
    'moderator, not voted, unread': '--YY-', // no live numbers for moderators either
    'moderator, voted, unread': '-YYYY',
    'non-member of a public club': '-----', // cannot vote
    'signed out, public club': '-----',
    'outsider of a private club': '-----',
  },
  after_close: {
    'member, voted, chapter read': '--YY-',
    'member, voted, chapter unread': '--YY-',
    'member, not voted, chapter read': '--YY-',
    'member, not voted, chapter unread': '--YY-',
    'moderator, not voted, unread': '--YY-',
    'moderator, voted, unread': '--YY-',
    'non-member of a public club': '--YY-',
    'signed out, public club': '--YY-',
    'outsider of a private club': '-----',
  },
  after_chapter: {
    'member, voted, chapter read': '-YYYY',
    'member, voted, chapter unread': '-----',
    'member, not voted, chapter read': '-YYYY',
    'member, not voted, chapter unread': '-----',
    'moderator, not voted, unread': '--YY-', // moderators: always after close
    'moderator, voted, unread': '--YY-',
    'non-member of a public club': '-----', // no reading progress
    'signed out, public club': '-----',
    'outsider of a private club': '-----',
  },
};

const MATRIX = (Object.keys(EXPECTED) as ResultsVisibility[]).flatMap((setting) =>
  Object.entries(EXPECTED[setting]).flatMap(([viewerName, letters]) =>
    STATES.map((state, i) => [setting, viewerName, state, letters[i] === 'Y'] as const),
  ),
);

describe('pollResultsVisibleTo — matrix', () => {
  it('covers every setting × viewer × state', () => {
    expect(MATRIX).toHaveLength(4 * Object.keys(VIEWERS).length * STATES.length);
  });

  it.each(MATRIX)('%s / %s / %s → %s', (setting, viewerName, state, expected) => {
    const viewer = VIEWERS[viewerName];
    if (!viewer) throw new Error(`no viewer ${viewerName}`);
    expect(pollResultsVisibleTo(pollIn(state, setting), viewer, NOW)).toBe(expected);
  });
});

describe('pollResultsVisibleTo — edges', () => {
  const reader: PollViewer = { isMember: true, canSeeClub: true, isModerator: false, hasVoted: true, progressPosition: 999 };

  it('nobody sees results of a poll not yet open, even one closed by hand early', () => {
    const poll = unsetPoll({ resultsVisibility: 'always', opensAt: NOW + HOUR, closedAt: NOW - HOUR });
    expect(pollResultsVisibleTo(poll, { ...reader, isModerator: true }, NOW)).toBe(false);
  });

  it('after_chapter without a chapter fails closed for members, opens for moderators after close', () => {
    const poll = unsetPoll({ resultsVisibility: 'after_chapter' });
    expect(pollResultsVisibleTo(poll, reader, NOW)).toBe(false);
    expect(pollResultsVisibleTo({ ...poll, closedAt: NOW }, reader, NOW)).toBe(false);
    expect(pollResultsVisibleTo({ ...poll, closedAt: NOW }, { ...reader, isModerator: true }, NOW)).toBe(true);
  });

  it('the closing instant belongs to "closed"', () => {
    const poll = unsetPoll({ resultsVisibility: 'after_close', closesAt: NOW });
    expect(pollResultsVisibleTo(poll, reader, NOW - 1)).toBe(false);
    expect(pollResultsVisibleTo(poll, reader, NOW)).toBe(true);
  });

  it('a moderator flag alone (not marked member) still counts as a member', () => {
    const poll = pollIn('open', 'after_vote');
    const mod: PollViewer = { isMember: false, canSeeClub: false, isModerator: true, hasVoted: true, progressPosition: 0 };
    expect(pollResultsVisibleTo(poll, mod, NOW)).toBe(true);
  });

  it('an unknown setting shows nothing (fails closed)', () => {
    const poll = { ...pollIn('open', 'always'), resultsVisibility: 'sometimes' as ResultsVisibility };
    expect(pollResultsVisibleTo(poll, reader, NOW)).toBe(false);
  });
});

describe('pollIsOpen / pollIsClosed / pollHasOpened', () => {
  const times = (opensAt: number | null, closesAt: number | null, closedAt: number | null) => ({
    opensAt,
    closesAt,
    closedAt,
  });

  it.each([
    // opensAt,       closesAt,      closedAt,     opened, open,  closed
    [null, null, null, true, true, false],
    [NOW - 1, null, null, true, true, false],
    [NOW, null, null, true, true, false], // opens exactly now
    [NOW + 1, null, null, false, false, false],
    [null, NOW + 1, null, true, true, false],
    [null, NOW, null, true, false, true], // closes exactly now
    [null, NOW - 1, null, true, false, true],
    [null, null, NOW - 1, true, false, true],
    [null, NOW + HOUR, NOW - 1, true, false, true], // closed by hand before its date
    [NOW + 1, NOW + HOUR, NOW - 1, false, false, true], // closed by hand before it opened
  ] as const)('opensAt %s closesAt %s closedAt %s → opened %s, open %s, closed %s', (o, c, h, opened, open, closed) => {
    const poll = times(o, c, h);
    expect(pollHasOpened(poll, NOW)).toBe(opened);
    expect(pollIsOpen(poll, NOW)).toBe(open);
    expect(pollIsClosed(poll, NOW)).toBe(closed);
  });

  it('reopening (clearing closedAt, moving closesAt) makes the poll open again', () => {
    const closed = times(NOW - 3 * HOUR, NOW - HOUR, NOW - HOUR);
    expect(pollIsOpen(closed, NOW)).toBe(false);
    const reopened = { ...closed, closedAt: null, closesAt: NOW + HOUR };
    expect(pollIsOpen(reopened, NOW)).toBe(true);
    expect(pollIsClosed(reopened, NOW)).toBe(false);
  });

  it('closing by date needs no job: the clock decides', () => {
    const poll = times(null, NOW + HOUR, null);
    expect(pollIsOpen(poll, NOW)).toBe(true);
    expect(pollIsOpen(poll, NOW + HOUR)).toBe(false);
  });
});
