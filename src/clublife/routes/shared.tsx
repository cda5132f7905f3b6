/** What the club-life routes share: the club in the path, the reader's UI, refusals as responses. */
import type { Context } from 'hono';
import type { Db } from '../../../db/connection';
import { clubAccessOr404, clubFrame, type ClubAccess } from '../../clubs';
import { HttpError, notFound } from '../../http/errors';
import { consumePosting, redirectToLogin } from '../../http/guards';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { formatDateTime, viewerTimeZone } from '../../i18n/zoned-time';
import { formatDay } from '../rules';
import type { LifeRefusal } from '../policy';
import type { LifeUi } from '../types';

export type C = Context<AppEnv>;

/**
 * The notifications area's `notify`, bound to this app (src/app.tsx hands it over): called inside
 * the write's own transaction to tell members a meeting moved, was cancelled or is on again.
 * `db` is that transaction's handle: the notification is written through it, so it lands (or
 * not) with the change (on SQLite the outer handle would wait for the transaction to end).
 */
export type MeetingNotifier = (
  input: { recipientId: number; clubId: number; kind: 'meeting_changed'; facts: { meetingId: number; change: 'time' | 'cancelled' | 'restored'; startsAt: number | null } },
  now: number,
  db: Db,
) => unknown;

/** Notices a redirect may ask a page to show (`?done=…`); anything else shows nothing. */
const NOTICES = {
  nominated: 'clublife.pick.nominated',
  merged: 'clublife.pick.merged',
  voted: 'clublife.pick.voted',
  adopted: 'clublife.pick.adopted',
  created: 'clublife.meetings.created',
  marks: 'clublife.slots.saved',
  rsvp: 'clublife.rsvp.saved',
  edited: 'clublife.edit.saved',
  unchanged: 'clublife.edit.unchanged',
  cancelled: 'clublife.cancel.done',
  restored: 'clublife.restore.done',
  revoked: 'clublife.feed.revoked',
  answered: 'clublife.questions.answered',
  shelf: 'clublife.shelf.saved',
} as const satisfies Record<string, MessageKey>;

export function lifeKit(deps: AreaDeps) {
  const { db, clock } = deps;

  const ui = (c: C): LifeUi => {
    const locale = c.get('locale');
    const timeZone = viewerTimeZone(c.get('user')?.timeZone);
    return { t: c.get('t'), locale, timeZone, when: (ms) => formatDateTime(ms, locale, timeZone), day: (ms) => formatDay(ms, locale, timeZone) };
  };

  const access = async (c: C): Promise<ClubAccess> => clubAccessOr404(deps, c.req.param('clubId'), c.get('user'));

  const frame = async (a: ClubAccess) => clubFrame(db, a);

  const notice = (c: C): MessageKey | null => {
    const done = c.req.query('done');
    return done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null;
  };

  /** A refusal as a response: 404, the sign-in page, or a 403 page saying why. */
  function refuseWith(c: C, reason: LifeRefusal, moderatorAction = false): Response {
    switch (reason) {
      case 'sign_in':
        return redirectToLogin(c);
      case 'forbidden':
        throw new HttpError(403, moderatorAction ? 'clublife.error.moderators_only' : 'clublife.error.members_only');
      case 'wrong_phase':
        throw new HttpError(403, 'clublife.error.wrong_phase');
      case 'chapter_not_open':
        throw new HttpError(403, 'clublife.error.chapter_not_open');
      default:
        throw notFound();
    }
  }

  /** Counts a post against the reader's posting limit (429 with `Retry-After` past it). Call after validation. */
  const posting = async (c: C): Promise<void> => {
    await consumePosting(c, deps.rateLimiters.postingPerUser, clock());
  };

  const idParam = (c: C, name: string): number => {
    const raw = c.req.param(name);
    const id = raw && /^[1-9][0-9]{0,14}$/.test(raw) ? Number(raw) : null;
    if (id === null) throw notFound();
    return id;
  };

  return { ui, access, frame, notice, refuseWith, posting, idParam };
}

export type LifeKit = ReturnType<typeof lifeKit>;
