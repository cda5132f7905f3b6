/**
 * Ballots and the results export.
 *
 *   POST /clubs/:id/polls/:pid/vote            cast or change a ballot
 *   POST /clubs/:id/polls/:pid/withdraw        withdraw the reader's ballot
 *   GET  /clubs/:id/polls/:pid/results.csv     results as CSV
 */
import { Hono } from 'hono';
import type { Poll } from '../../../db/schema';
import { ErrorPage } from '../../../views/error';
import { LockedPollCard } from '../../../views/polls/pages';
import type { ClubAccess } from '../../clubs';
import { HttpError } from '../../http/errors';
import { isHtmx, readForm, safeNextPath } from '../../http/forms';
import { takePostingToken } from '../../http/guards';
import { pageContext, sendFragment, sendPage } from '../../http/page';
import type { PollRefusal } from '../policy';
import { pollPath } from '../present';
import { pollResultRows, toCsv } from '../csv';
import { deleteBallot, optionsOf, upsertBallot } from '../queries';
import type { BallotFeedback } from '../types';
import { ballotProblem, readBallot } from '../validation';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { C, PollKit } from './shared';

export function pollBallotRoutes(deps: AreaDeps, kit: PollKit): Hono<AppEnv> {
  const { db, sqlite, clock, events } = deps;
  const { ui, refuseRequest, cardFor, respondWithCard, afterChange } = kit;
  const app = new Hono<AppEnv>();

  // ---- ballots -----------------------------------------------------------------------------

  /** Shared by vote and withdraw: who, which poll, and whether the policy lets them. */
  async function ballotRequest(c: C, action: 'vote' | 'withdraw') {
    const user = c.get('user');
    const { access, poll, refusal: decision } = kit.pollFor(c, action);
    const form = await readForm(c);
    const next = safeNextPath(form.next, pollPath(access.club.id, poll.id));
    return { user, access, poll, form, next, decision };
  }

  /** Refusals of a ballot: the card again with the message and the ballot as typed. */
  function refuseBallot(c: C, access: ClubAccess, poll: Poll, next: string, reason: PollRefusal, feedback: Omit<BallotFeedback, 'error'>) {
    switch (reason) {
      case 'poll_closed':
      case 'poll_not_open':
        return respondWithCard(c, access, poll, next, 422, { ...feedback, error: { key: `polls.error.${reason}` } });
      case 'chapter_not_open': {
        // The member may not see this poll yet: say why, and show nothing of it.
        const message = c.get('t')('polls.error.chapter_not_open');
        if (isHtmx(c)) return sendFragment(c, <LockedPollCard ui={ui(c)} pollId={poll.id} message={message} />, 422);
        return sendPage(c, <ErrorPage page={pageContext(c)} title={c.get('t')('error.403.title')} message={message} />, 422);
      }
      default:
        return refuseRequest(c, reason, 'polls.error.members_only');
    }
  }

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/vote', async (c) => {
    const { user, access, poll, form, next, decision } = await ballotRequest(c, 'vote');
    const submission = readBallot(form, poll.kind);
    if (decision) return refuseBallot(c, access, poll, next, decision, submission);

    const options = optionsOf(db, [poll.id]).get(poll.id) ?? [];
    const problem = ballotProblem(submission, { kind: poll.kind, minChoices: poll.minChoices, maxChoices: poll.maxChoices, optionIds: options.map((o) => o.id) });
    if (problem) return respondWithCard(c, access, poll, next, 422, { ...submission, error: problem });

    // Past the limit: the card again with the message, and `Retry-After` like every 429.
    const limited = takePostingToken(c, deps.rateLimiters.postingPerUser, clock());
    if (limited) return respondWithCard(c, access, poll, next, 429, { ...submission, error: { key: 'error.429.body', params: { seconds: limited.seconds } } });

    upsertBallot(db, sqlite, poll.id, user!.id, submission.choices, clock());
    events.publish({ type: 'poll.voted', actorId: user!.id, clubId: access.club.id, pollId: poll.id, withdrawn: false });
    return afterChange(c, access, poll.id, next);
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/withdraw', async (c) => {
    const { user, access, poll, next, decision } = await ballotRequest(c, 'withdraw');
    if (decision) return refuseBallot(c, access, poll, next, decision, { choices: [], ranks: {} });
    const limited = takePostingToken(c, deps.rateLimiters.postingPerUser, clock());
    if (limited) return respondWithCard(c, access, poll, next, 429, { choices: [], ranks: {}, error: { key: 'error.429.body', params: { seconds: limited.seconds } } });
    if (deleteBallot(db, poll.id, user!.id)) events.publish({ type: 'poll.voted', actorId: user!.id, clubId: access.club.id, pollId: poll.id, withdrawn: true });
    return afterChange(c, access, poll.id, next);
  });

  // ---- export --------------------------------------------------------------------------------

  app.get('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/results.csv', (c) => {
    const { access, poll, situation, refusal } = kit.pollFor(c, 'export');
    if (refusal) return refuseRequest(c, refusal);
    const rows = pollResultRows(cardFor(access, situation, pollPath(poll.clubId, poll.id)), c.get('t'));
    if (!rows) throw new HttpError(403, 'polls.error.results_hidden');
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="poll-${poll.id}-results.csv"`);
    c.header('Cache-Control', 'no-store');
    return c.body(toCsv(rows));
  });

  return app;
}
