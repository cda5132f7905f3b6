/**
 * Polls through the API, decided by the polls area's own service (the poll pages call it too):
 * `pollRefusal` for every action, results only where `pollResultsVisibleTo` lets them through
 * (the card is built by `pollCard`, which does not even count hidden results).
 *
 *   GET    /clubs/{clubId}/polls                  the polls I may see
 *   GET    /clubs/{clubId}/polls/{pollId}         one poll
 *   POST   /clubs/{clubId}/polls/{pollId}/vote    cast or change my ballot
 *   DELETE /clubs/{clubId}/polls/{pollId}/vote    withdraw it
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { clubAccessOr404, type ClubAccess } from '../../clubs';
import type { AreaDeps } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { cardOf, castBallot, pollFacing, visiblePolls, withdrawBallot, type BallotOutcome, type PollCardView } from '../../polls';
import { ApiProblem } from '../problem';
import { Ballot, ClubParams, Poll, PollList, PollParams } from '../schemas';
import { apiPostingToken, ERRORS, idOf, json, WRITE_ERRORS, type ApiContext, type ApiEnv } from './shared';

function pollData(card: PollCardView) {
  return {
    id: card.id,
    question: card.question,
    kind: card.kind,
    minChoices: card.minChoices,
    maxChoices: card.maxChoices,
    voters: card.voters,
    resultsVisibility: card.resultsVisibility,
    status: card.status,
    opensAt: card.opensAt,
    closesAt: card.closesAt,
    chapter: card.chapter ? { ordinal: card.chapter.ordinal, title: card.chapter.title } : null,
    options: card.options,
    myChoices: card.myChoices,
    results: card.results,
    can: { vote: card.can.vote, withdraw: card.can.withdraw },
  };
}

/**
 * A refused ballot as the poll page answers it: a poll not there is 404, a non-member 403, a
 * poll not open (or on a chapter not open) 422 with the page's message.
 */
function refusedBallot(outcome: BallotOutcome): void {
  switch (outcome.kind) {
    case 'refused': {
      const reason = outcome.reason;
      if (reason === 'forbidden' || reason === 'sign_in') throw new ApiProblem(403, 'polls.error.members_only');
      if (reason === 'poll_closed' || reason === 'poll_not_open' || reason === 'chapter_not_open') throw new ApiProblem(422, `polls.error.${reason}` as MessageKey);
      throw new ApiProblem(404, 'api.problem.not_found');
    }
    case 'invalid':
      throw new ApiProblem(422, 'api.problem.validation', undefined, { fieldErrors: [{ pointer: '/choices', message: outcome.problem.key, params: outcome.problem.params }] });
    case 'limited':
      throw new ApiProblem(429, 'error.429.body', { seconds: outcome.seconds }, { headers: { 'Retry-After': String(outcome.seconds) } });
    case 'done':
      return;
  }
}

export function pollRoutes(api: OpenAPIHono<ApiEnv>, deps: AreaDeps): void {
  const { db, clock } = deps;

  /** A poll of the club as the page finds it: 404 when absent or another club's, 403 on a chapter not open yet. */
  async function pollOf(c: ApiContext, params: { clubId: string; pollId: string }): Promise<{ access: ClubAccess; facing: NonNullable<Awaited<ReturnType<typeof pollFacing>>> }> {
    const access = await clubAccessOr404(deps, params.clubId, c.get('user'));
    const facing = await pollFacing(db, access, idOf(params.pollId), 'view', clock());
    if (!facing || facing.refusal === 'not_found') throw new ApiProblem(404, 'api.problem.not_found');
    if (facing.refusal === 'chapter_not_open') throw new ApiProblem(403, 'polls.error.chapter_not_open');
    return { access, facing };
  }

  const current = async (access: ClubAccess, pollId: number) => {
    const facing = await pollFacing(db, access, pollId, 'view', clock());
    if (!facing) throw new ApiProblem(404, 'api.problem.not_found');
    return pollData(await cardOf(db, access, facing.situation));
  };

  api.openapi(
    createRoute({ method: 'get', path: '/clubs/{clubId}/polls', summary: 'The club’s polls you may see', request: { params: ClubParams }, responses: { 200: json(PollList, 'Polls, newest first'), ...ERRORS } }),
    async (c) => {
      const access = await clubAccessOr404(deps, c.req.valid('param').clubId, c.get('user'));
      const polls: ReturnType<typeof pollData>[] = [];
      for (const situation of await visiblePolls(db, access, clock())) polls.push(pollData(await cardOf(db, access, situation)));
      return c.json({ polls }, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'get', path: '/clubs/{clubId}/polls/{pollId}', summary: 'One poll; results only when visible to you', request: { params: PollParams }, responses: { 200: json(Poll, 'The poll'), ...ERRORS } }),
    async (c) => {
      const { access, facing } = await pollOf(c, c.req.valid('param'));
      return c.json(pollData(await cardOf(db, access, facing.situation)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/clubs/{clubId}/polls/{pollId}/vote',
      summary: 'Cast or change your ballot',
      request: { params: PollParams, body: { content: { 'application/json': { schema: Ballot } }, required: true } },
      responses: { 200: json(Poll, 'The poll after your vote'), ...WRITE_ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const access = await clubAccessOr404(deps, params.clubId, c.get('user'));
      const facing = await pollFacing(db, access, idOf(params.pollId), 'vote', clock());
      if (!facing) throw new ApiProblem(404, 'api.problem.not_found');
      refusedBallot(await castBallot(deps, access, facing.poll, { choices: c.req.valid('json').choices, ranks: {} }, apiPostingToken(deps, c, access.club.id, 'vote')));
      return c.json(await current(access, facing.poll.id), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/clubs/{clubId}/polls/{pollId}/vote',
      summary: 'Withdraw your ballot',
      request: { params: PollParams },
      responses: { 200: json(Poll, 'The poll without your ballot'), ...WRITE_ERRORS },
    }),
    async (c) => {
      const params = c.req.valid('param');
      const access = await clubAccessOr404(deps, params.clubId, c.get('user'));
      const facing = await pollFacing(db, access, idOf(params.pollId), 'withdraw', clock());
      if (!facing) throw new ApiProblem(404, 'api.problem.not_found');
      refusedBallot(await withdrawBallot(deps, access, facing.poll, apiPostingToken(deps, c, access.club.id, 'vote')));
      return c.json(await current(access, facing.poll.id), 200);
    },
  );
}
