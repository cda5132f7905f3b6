/**
 * What the polls routes share: the club and the poll in the path (a poll of another club is as
 * absent as one that never existed), refusals as responses, and answering with the poll card.
 */
import type { Context } from 'hono';
import type { Poll } from '../../../db/schema';
import { PollCard } from '../../../views/polls/card';
import { PollShowPage } from '../../../views/polls/pages';
import { clubAccessOr404, type ClubAccess } from '../../clubs';
import { HttpError, notFound } from '../../http/errors';
import { isHtmx } from '../../http/forms';
import { redirectToLogin } from '../../http/guards';
import { pageContext, seeOther, sendFragment, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { viewerTimeZone } from '../../i18n/zoned-time';
import { pollRefusal, type PollAction, type PollRefusal } from '../policy';
import { pollCard, pollPath, pollSituation, type PollSituation } from '../present';
import { findPoll, optionsOf } from '../queries';
import type { BallotFeedback, PollUi } from '../types';

export type C = Context<AppEnv>;
export type PollKit = ReturnType<typeof pollKit>;

export function pollKit(deps: AreaDeps) {
  const { db, clock } = deps;

  const ui = (c: C): PollUi => ({ t: c.get('t'), locale: c.get('locale'), timeZone: viewerTimeZone(c.get('user')?.timeZone) });

  /** The reader's access to the club in the path; 404 when the club is not there for them. */
  async function clubAccess(c: C): Promise<ClubAccess> {
    return clubAccessOr404(deps, c.req.param('clubId'), c.get('user'));
  }

  /** A poll of this club; a poll of another club is as absent as one that never existed. */
  async function clubPoll(c: C, access: ClubAccess): Promise<Poll> {
    const poll = await findPoll(db, access.club.id, Number(c.req.param('pollId')));
    if (!poll) throw notFound();
    return poll;
  }

  /** Turns a refusal that is not about the ballot into a response (or a thrown error page). */
  function refuseRequest(c: C, reason: PollRefusal, forbiddenKey: MessageKey = 'polls.error.not_moderator') {
    switch (reason) {
      case 'sign_in':
        return redirectToLogin(c);
      case 'forbidden':
        throw new HttpError(403, forbiddenKey);
      case 'chapter_not_open':
        throw new HttpError(403, 'polls.error.chapter_not_open');
      case 'results_hidden':
        throw new HttpError(403, 'polls.error.results_hidden');
      default:
        throw notFound();
    }
  }

  async function cardFor(access: ClubAccess, situation: PollSituation, next: string) {
    const options = (await optionsOf(db, [situation.poll.id])).get(situation.poll.id) ?? [];
    return pollCard(db, access, situation, options, next);
  }

  /** The club and poll in the path, what the reader faces there, and why they may not `action` it (null: they may). */
  async function pollFor(c: C, action: PollAction) {
    const access = await clubAccess(c);
    const poll = await clubPoll(c, access);
    const situation = await pollSituation(db, access, poll, clock());
    return { access, poll, situation, refusal: pollRefusal(access, action, situation.facts) };
  }

  /** The poll card as an htmx fragment, or the poll page around it. */
  async function respondWithCard(c: C, access: ClubAccess, poll: Poll, next: string, status: 200 | 403 | 422 | 429 = 200, feedback?: BallotFeedback) {
    const situation = await pollSituation(db, access, poll, clock());
    const card = await cardFor(access, situation, next);
    if (isHtmx(c)) return sendFragment(c, <PollCard ui={ui(c)} poll={card} feedback={feedback} heading={next === pollPath(poll.clubId, poll.id) ? 1 : 3} />, status);
    return sendPage(c, <PollShowPage page={pageContext(c)} ui={ui(c)} club={access.club} poll={card} feedback={feedback} />, status);
  }

  /** After a successful change: the fresh card for htmx, a 303 back to where the form was otherwise. */
  async function afterChange(c: C, access: ClubAccess, pollId: number, next: string) {
    if (isHtmx(c)) {
      const poll = await findPoll(db, access.club.id, pollId);
      if (!poll) throw notFound();
      return respondWithCard(c, access, poll, next);
    }
    return seeOther(c, next.includes('#') ? next : `${next}#poll-${pollId}`);
  }

  return { ui, clubAccess, clubPoll, pollFor, refuseRequest, cardFor, respondWithCard, afterChange };
}
