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
import { castBallot, withdrawBallot } from '../service';
import type { BallotFeedback } from '../types';
import { readBallot } from '../validation';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { C, PollKit } from './shared';

export function pollBallotRoutes(deps: AreaDeps, kit: PollKit): Hono<AppEnv> {
  const { clock } = deps;
  const { ui, refuseRequest, cardFor, respondWithCard, afterChange } = kit;
  const app = new Hono<AppEnv>();

  // ---- ballots -----------------------------------------------------------------------------

  /** Shared by vote and withdraw: who, which poll, and whether the policy lets them. */
  async function ballotRequest(c: C, action: 'vote' | 'withdraw') {
    const { access, poll } = await kit.pollFor(c, action);
    const form = await readForm(c);
    const next = safeNextPath(form.next, pollPath(access.club.id, poll.id));
    return { access, poll, form, next };
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

  // Casting and withdrawing run in ../service.ts (the JSON API calls it too); here their
  // outcome becomes the card again (422/429, `Retry-After` like every 429) or the change.
  const consume = (c: C) => () => takePostingToken(c, deps.rateLimiters.postingPerUser, clock());

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/vote', async (c) => {
    const { access, poll, form, next } = await ballotRequest(c, 'vote');
    const submission = readBallot(form, poll.kind);
    const outcome = await castBallot(deps, access, poll, submission, consume(c));
    switch (outcome.kind) {
      case 'refused':
        return refuseBallot(c, access, poll, next, outcome.reason, submission);
      case 'invalid':
        return respondWithCard(c, access, poll, next, 422, { ...submission, error: outcome.problem });
      case 'limited':
        return respondWithCard(c, access, poll, next, 429, { ...submission, error: { key: 'error.429.body', params: { seconds: outcome.seconds } } });
      case 'done':
        return afterChange(c, access, poll.id, next);
    }
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/withdraw', async (c) => {
    const { access, poll, next } = await ballotRequest(c, 'withdraw');
    const outcome = await withdrawBallot(deps, access, poll, consume(c));
    switch (outcome.kind) {
      case 'refused':
        return refuseBallot(c, access, poll, next, outcome.reason, { choices: [], ranks: {} });
      case 'limited':
        return respondWithCard(c, access, poll, next, 429, { choices: [], ranks: {}, error: { key: 'error.429.body', params: { seconds: outcome.seconds } } });
      default:
        return afterChange(c, access, poll.id, next);
    }
  });

  // ---- export --------------------------------------------------------------------------------

  app.get('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/results.csv', async (c) => {
    const { access, poll, situation, refusal } = await kit.pollFor(c, 'export');
    if (refusal) return refuseRequest(c, refusal);
    const rows = pollResultRows(await cardFor(access, situation, pollPath(poll.clubId, poll.id)), c.get('t'));
    if (!rows) throw new HttpError(403, 'polls.error.results_hidden');
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="poll-${poll.id}-results.csv"`);
    c.header('Cache-Control', 'no-store');
    return c.body(toCsv(rows));
  });

  return app;
}
