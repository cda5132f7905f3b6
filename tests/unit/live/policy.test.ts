/** meetingCan as a matrix: role × action × (this club's meeting, running or ended; another club's). */
import { describe, expect, it } from 'vitest';
import type { Club } from '../../../db/schema';
import { accessFor } from '../../../src/clubs/access';
import { meetingCan, type MeetingAction } from '../../../src/live/policy';

const club = { id: 1, visibility: 'private' } as Club;
const roles = { owner: 'owner', moderator: 'moderator', member: 'member', outsider: null } as const;
const actions: MeetingAction[] = ['see', 'start', 'spotlight', 'end'];
const runningHere = { clubId: 1, endedAt: null };
const endedHere = { clubId: 1, endedAt: 5 };
const runningElsewhere = { clubId: 2, endedAt: null };

const expected: Record<keyof typeof roles, Record<MeetingAction, boolean>> = {
  owner: { see: true, start: true, spotlight: true, end: true },
  moderator: { see: true, start: true, spotlight: true, end: true },
  member: { see: true, start: false, spotlight: false, end: false },
  outsider: { see: false, start: false, spotlight: false, end: false },
};

describe('meetingCan', () => {
  for (const [name, role] of Object.entries(roles) as [keyof typeof roles, (typeof roles)[keyof typeof roles]][]) {
    const access = accessFor(club, 10, role);
    for (const action of actions) {
      it(`${name} · ${action}`, () => {
        const meeting = action === 'spotlight' || action === 'end' ? runningHere : undefined;
        expect(meetingCan(access, action, meeting)).toBe(expected[name][action]);
        // Another club's meeting: never, whoever asks.
        expect(meetingCan(access, action, runningElsewhere)).toBe(false);
      });
    }
    it(`${name} · an ended meeting cannot be spotlighted or ended again`, () => {
      expect(meetingCan(access, 'spotlight', endedHere)).toBe(false);
      expect(meetingCan(access, 'end', endedHere)).toBe(false);
      expect(meetingCan(access, 'spotlight')).toBe(false);
    });
  }
});
