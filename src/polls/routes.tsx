/**
 * Routes of the polls area, all under `/clubs/:clubId/polls`:
 *
 * | method | path                          | what                                      |
 * | ------ | ----------------------------- | ----------------------------------------- |
 * | GET    | /clubs/:id/polls              | the club's polls the reader may see        |
 * | GET    | /clubs/:id/polls/new          | new poll form (`?chapter=<chapterId>`)     |
 * | POST   | /clubs/:id/polls              | create                                     |
 * | GET    | /clubs/:id/polls/:pid         | one poll (htmx: its card)                  |
 * | GET    | /clubs/:id/polls/:pid/edit    | edit form                                  |
 * | POST   | /clubs/:id/polls/:pid/edit    | save (only the closing time after a vote)  |
 * | POST   | /clubs/:id/polls/:pid/vote    | cast or change a ballot                    |
 * | POST   | /clubs/:id/polls/:pid/withdraw| withdraw the reader's ballot               |
 * | POST   | /clubs/:id/polls/:pid/close   | close now                                  |
 * | POST   | /clubs/:id/polls/:pid/reopen  | reopen (optionally with a new closing time)|
 * | POST   | /clubs/:id/polls/:pid/delete  | delete                                     |
 * | GET    | /clubs/:id/polls/:pid/results.csv | results as CSV                         |
 *
 * Forms post and redirect (303) to `next`; with `HX-Request` the poll card comes back instead,
 * so htmx swaps it in place. Every "may they?" goes to `./policy`, every "may they see the
 * results?" to `./visibility` (through `./service`).
 */
import { Hono, type Context } from 'hono';
import type { Poll } from '../../db/schema';
import { ErrorPage } from '../../views/error';
import { PollCard } from '../../views/polls/card';
import { MIN_SLOTS, PollFormPage } from '../../views/polls/form';
import { chapterLabel, pollPath, type BallotFeedback, type PollUi } from '../../views/polls/model';
import { LockedPollCard, PollListPage, PollShowPage, type PollListItem } from '../../views/polls/pages';
import { redirectToLogin } from '../auth/routes';
import { clubAccessOr404, currentReading, type ClubAccess } from '../clubs/access';
import { toDateTimeLocalValue, viewerTimeZone } from '../clubs/zoned-time';
import { listChapters } from '../books/queries';
import { HttpError, notFound } from '../http/errors';
import { cleanText, isHtmx, readForm, safeNextPath, type FieldErrors, type FormData } from '../http/forms';
import { pageContext, seeOther, sendFragment, sendPage } from '../http/page';
import type { RateLimiters } from '../http/rate-limit';
import type { AppDeps, AppEnv } from '../http/types';
import type { MessageKey, MessageParams } from '../i18n';
import { ballotProblem, closingDateError, optionKey, optionSlots, parseLocalDate, parseOptions, parsePollForm, readBallot } from './input';
import { pollCan, pollDecision, type PollRefusal } from './policy';
import {
  chapterOfReading,
  deleteBallot,
  deletePoll,
  findPoll,
  hasAnyVote,
  insertPoll,
  listClubPolls,
  optionsOf,
  reopenPoll,
  rewritePoll,
  setClosedAt,
  setClosesAt,
  upsertBallot,
} from './queries';
import { pollCard, pollSituation, type PollSituation } from './service';
import { pollResultRows, toCsv } from './csv';

type C = Context<AppEnv>;

export function pollRoutes(deps: AppDeps, limiters: RateLimiters): Hono<AppEnv> {
  const { db, sqlite, clock } = deps;
  const app = new Hono<AppEnv>();

  const ui = (c: C): PollUi => ({ t: c.get('t'), locale: c.get('locale'), timeZone: viewerTimeZone(c.get('user')?.timeZone) });

  /** The reader's access to the club in the path; 404 when the club is not there for them. */
  function clubAccess(c: C): ClubAccess {
    return clubAccessOr404(db, c.req.param('clubId'), c.get('user'));
  }

  /** A poll of this club; a poll of another club is as absent as one that never existed. */
  function clubPoll(c: C, access: ClubAccess): Poll {
    const poll = findPoll(db, access.club.id, Number(c.req.param('pollId')));
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

  function cardFor(access: ClubAccess, situation: PollSituation, next: string) {
    const options = optionsOf(db, [situation.poll.id]).get(situation.poll.id) ?? [];
    return pollCard(db, access, situation, options, next);
  }

  /** The poll card as an htmx fragment, or the poll page around it. */
  function respondWithCard(c: C, access: ClubAccess, poll: Poll, next: string, status: 200 | 403 | 422 | 429 = 200, feedback?: BallotFeedback) {
    const situation = pollSituation(db, access, poll, clock());
    const card = cardFor(access, situation, next);
    if (isHtmx(c)) return sendFragment(c, <PollCard ui={ui(c)} poll={card} feedback={feedback} heading={next === pollPath(poll.clubId, poll.id) ? 1 : 3} />, status);
    return sendPage(c, <PollShowPage page={pageContext(c)} ui={ui(c)} club={access.club} poll={card} feedback={feedback} />, status);
  }

  /** After a successful change: the fresh card for htmx, a 303 back to where the form was otherwise. */
  function afterChange(c: C, access: ClubAccess, pollId: number, next: string) {
    if (isHtmx(c)) {
      const poll = findPoll(db, access.club.id, pollId);
      if (!poll) throw notFound();
      return respondWithCard(c, access, poll, next);
    }
    return seeOther(c, next.includes('#') ? next : `${next}#poll-${pollId}`);
  }

  function consumePosting(c: C, userId: number): { seconds: number } | null {
    const verdict = limiters.postingPerUser.consume(`user:${userId}`, clock());
    return verdict.allowed ? null : { seconds: verdict.retryAfterSeconds };
  }

  // ---- list ------------------------------------------------------------------------------

  app.get('/clubs/:clubId{[0-9]+}/polls', (c) => {
    const access = clubAccess(c);
    const now = clock();
    const t = c.get('t');
    const items: PollListItem[] = [];
    for (const poll of listClubPolls(db, access.club.id)) {
      const situation = pollSituation(db, access, poll, now);
      if (!pollCan(access, 'view', situation.facts)) continue;
      items.push({
        id: poll.id,
        question: poll.question,
        status: !situation.facts.hasOpened ? 'scheduled' : situation.facts.isClosed ? 'closed' : 'open',
        chapterLabel: situation.chapter ? chapterLabel(t, situation.chapter) : null,
      });
    }
    return sendPage(c, <PollListPage page={pageContext(c)} club={access.club} items={items} canCreate={pollCan(access, 'create')} />);
  });

  // ---- create ----------------------------------------------------------------------------

  /** Where a new poll may go: the club, or any chapter of the current reading. */
  function targetsFor(c: C, access: ClubAccess) {
    const t = c.get('t');
    const reading = currentReading(db, access.club.id);
    const chapters = reading ? listChapters(db, reading.editionId) : [];
    return {
      reading,
      targets: [
        { value: 'club', label: t('polls.form.target.club') },
        ...chapters.map((chapter) => ({ value: `chapter:${chapter.id}`, label: chapterLabel(t, chapter) })),
      ],
    };
  }

  function renderNewForm(c: C, access: ClubAccess, values: FormData, slots: string[], errors: FieldErrors, status: 200 | 422 = 200) {
    const { targets } = targetsFor(c, access);
    return sendPage(
      c,
      <PollFormPage
        page={pageContext(c)}
        club={access.club}
        mode="new"
        action={`/clubs/${access.club.id}/polls`}
        values={values}
        slots={padSlots(slots)}
        errors={errors}
        targets={targets}
        locked={false}
        timeZone={ui(c).timeZone}
        cancelHref={`/clubs/${access.club.id}/polls`}
      />,
      status,
    );
  }

  app.get('/clubs/:clubId{[0-9]+}/polls/new', (c) => {
    const access = clubAccess(c);
    const decision = pollDecision(access, 'create');
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const chapter = c.req.query('chapter');
    const values: FormData = {
      target: chapter && /^\d+$/.test(chapter) ? `chapter:${chapter}` : 'club',
      kind: 'single',
      voters: 'anonymous',
      resultsVisibility: 'after_vote',
    };
    return renderNewForm(c, access, values, [], {});
  });

  app.post('/clubs/:clubId{[0-9]+}/polls', async (c) => {
    const access = clubAccess(c);
    const decision = pollDecision(access, 'create');
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const form = await readForm(c);
    const slots = optionSlots(form);
    if (form.intent === 'add_option') return renderNewForm(c, access, form, [...padSlots(slots), ''], {});

    const now = clock();
    const { reading } = targetsFor(c, access);
    let readingId: number | null = null;
    let chapterId: number | null = null;
    const errors: FieldErrors = {};
    const target = form.target ?? 'club';
    const chapterMatch = /^chapter:(\d{1,15})$/.exec(target);
    if (chapterMatch) {
      const chapter = reading ? chapterOfReading(db, reading.id, Number(chapterMatch[1])) : undefined;
      if (!chapter || !reading) errors.target = 'polls.error.target';
      else {
        readingId = reading.id;
        chapterId = chapter.id;
      }
    } else if (target !== 'club') errors.target = 'polls.error.target';

    const parsed = parsePollForm(form, { now, timeZone: ui(c).timeZone, onChapter: chapterMatch !== null });
    if (!parsed.ok || Object.keys(errors).length > 0) {
      return renderNewForm(c, access, form, slots, { ...errors, ...(parsed.ok ? {} : parsed.errors) }, 422);
    }
    const { options, ...settings } = parsed.data;
    const poll = insertPoll(db, sqlite, { clubId: access.club.id, readingId, chapterId, ...settings }, options, access.userId!, now);
    return seeOther(c, pollPath(access.club.id, poll.id));
  });

  // ---- show ------------------------------------------------------------------------------

  app.get('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}', (c) => {
    const access = clubAccess(c);
    const poll = clubPoll(c, access);
    const situation = pollSituation(db, access, poll, clock());
    const decision = pollDecision(access, 'view', situation.facts);
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    return respondWithCard(c, access, poll, pollPath(poll.clubId, poll.id));
  });

  // ---- edit ------------------------------------------------------------------------------

  function storedValues(poll: Poll, timeZone: string): FormData {
    return {
      question: poll.question,
      kind: poll.kind,
      minChoices: poll.kind === 'multiple' ? String(poll.minChoices) : '',
      maxChoices: poll.kind === 'multiple' ? String(poll.maxChoices) : '',
      voters: poll.voters,
      resultsVisibility: poll.resultsVisibility,
      opensAt: poll.opensAt !== null ? toDateTimeLocalValue(poll.opensAt, timeZone) : '',
      closesAt: poll.closesAt !== null ? toDateTimeLocalValue(poll.closesAt, timeZone) : '',
    };
  }

  function renderEditForm(c: C, access: ClubAccess, poll: Poll, values: FormData, slots: string[], errors: FieldErrors, locked: boolean, status: 200 | 422 = 200) {
    return sendPage(
      c,
      <PollFormPage
        page={pageContext(c)}
        club={access.club}
        mode="edit"
        action={`${pollPath(access.club.id, poll.id)}/edit`}
        values={values}
        slots={locked ? slots : padSlots(slots)}
        errors={errors}
        targets={[]}
        locked={locked}
        timeZone={ui(c).timeZone}
        cancelHref={pollPath(access.club.id, poll.id)}
      />,
      status,
    );
  }

  function editablePoll(c: C) {
    const access = clubAccess(c);
    const poll = clubPoll(c, access);
    const situation = pollSituation(db, access, poll, clock());
    const decision = pollDecision(access, 'edit', situation.facts);
    return { access, poll, decision };
  }

  app.get('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/edit', (c) => {
    const { access, poll, decision } = editablePoll(c);
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const labels = (optionsOf(db, [poll.id]).get(poll.id) ?? []).map((o) => o.label);
    return renderEditForm(c, access, poll, storedValues(poll, ui(c).timeZone), labels, {}, hasAnyVote(db, poll.id));
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/edit', async (c) => {
    const { access, poll, decision } = editablePoll(c);
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const form = await readForm(c);
    const now = clock();
    const timeZone = ui(c).timeZone;
    const labels = (optionsOf(db, [poll.id]).get(poll.id) ?? []).map((o) => o.label);
    const slots = optionSlots(form);

    if (hasAnyVote(db, poll.id)) {
      // Votes exist: the closing time is the only thing that may change.
      const stored = storedValues(poll, timeZone);
      const shown = { ...stored, closesAt: form.closesAt ?? '' };
      if (changesMoreThanClosing(form, poll, labels, timeZone)) {
        return renderEditForm(c, access, poll, shown, labels, { _form: 'polls.error.locked_after_vote' }, true, 422);
      }
      const closesAt = parseLocalDate(form.closesAt, timeZone);
      const error = closesAt === undefined ? 'polls.error.date_format' : closesAt === null ? null : closingDateError(closesAt, poll.opensAt, now);
      if (error) return renderEditForm(c, access, poll, shown, labels, { closesAt: error }, true, 422);
      setClosesAt(db, poll.id, closesAt ?? null);
      return seeOther(c, pollPath(access.club.id, poll.id));
    }

    if (form.intent === 'add_option') return renderEditForm(c, access, poll, form, [...padSlots(slots), ''], {}, false);
    const parsed = parsePollForm(form, { now, timeZone, onChapter: poll.chapterId !== null });
    if (!parsed.ok) return renderEditForm(c, access, poll, form, slots, parsed.errors, false, 422);
    const { options, ...settings } = parsed.data;
    if (!rewritePoll(db, sqlite, poll.id, settings, options)) {
      // A vote arrived while the form was open.
      return renderEditForm(c, access, poll, { ...storedValues(poll, timeZone), closesAt: form.closesAt ?? '' }, labels, { _form: 'polls.error.locked_after_vote' }, true, 422);
    }
    return seeOther(c, pollPath(access.club.id, poll.id));
  });

  // ---- close, reopen, delete --------------------------------------------------------------

  function moderated(c: C, action: 'close' | 'reopen' | 'delete') {
    const access = clubAccess(c);
    const poll = clubPoll(c, access);
    const situation = pollSituation(db, access, poll, clock());
    return { access, poll, situation, decision: pollDecision(access, action, situation.facts) };
  }

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/close', async (c) => {
    const { access, poll, decision } = moderated(c, 'close');
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const form = await readForm(c);
    const next = safeNextPath(form.next, pollPath(access.club.id, poll.id));
    if (poll.closedAt === null) setClosedAt(db, poll.id, clock());
    return afterChange(c, access, poll.id, next);
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/reopen', async (c) => {
    const { access, poll, decision } = moderated(c, 'reopen');
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const form = await readForm(c);
    const next = safeNextPath(form.next, pollPath(access.club.id, poll.id));
    const now = clock();
    const requested = parseLocalDate(form.closesAt, ui(c).timeZone);
    const error: MessageKey | null = requested === undefined ? 'polls.error.date_format' : requested === null ? null : closingDateError(requested, poll.opensAt, now);
    if (error) return respondWithCard(c, access, poll, next, 422, { choices: [], ranks: {}, error: { key: error } });
    // A poll closed by its date stays closed unless the date moves: reopening without a new
    // date makes it close by hand instead.
    const closesAt = requested ?? (poll.closesAt !== null && poll.closesAt <= now ? null : poll.closesAt);
    reopenPoll(db, poll.id, closesAt);
    return afterChange(c, access, poll.id, next);
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/delete', async (c) => {
    const { access, poll, decision } = moderated(c, 'delete');
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const form = await readForm(c);
    const own = pollPath(access.club.id, poll.id);
    const next = safeNextPath(form.next, `/clubs/${access.club.id}/polls`);
    deletePoll(db, poll.id);
    const target = next.startsWith(own) ? `/clubs/${access.club.id}/polls` : next;
    if (isHtmx(c)) {
      c.header('HX-Location', target);
      return c.body(null, 204);
    }
    return seeOther(c, target);
  });

  // ---- ballots -----------------------------------------------------------------------------

  /** Shared by vote and withdraw: who, which poll, and whether the policy lets them. */
  async function ballotRequest(c: C, action: 'vote' | 'withdraw') {
    const user = c.get('user');
    const access = clubAccess(c);
    const poll = clubPoll(c, access);
    const form = await readForm(c);
    const next = safeNextPath(form.next, pollPath(access.club.id, poll.id));
    const situation = pollSituation(db, access, poll, clock());
    const decision = pollDecision(access, action, situation.facts);
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
    if (!decision.allowed) return refuseBallot(c, access, poll, next, decision.reason, submission);

    const options = optionsOf(db, [poll.id]).get(poll.id) ?? [];
    const problem = ballotProblem(submission, { kind: poll.kind, minChoices: poll.minChoices, maxChoices: poll.maxChoices, optionIds: options.map((o) => o.id) });
    if (problem) return respondWithCard(c, access, poll, next, 422, { ...submission, error: problem });

    const limited = consumePosting(c, user!.id);
    if (limited) return respondWithCard(c, access, poll, next, 429, { ...submission, error: { key: 'error.429.body', params: limited as MessageParams } });

    upsertBallot(db, sqlite, poll.id, user!.id, submission.choices, clock());
    return afterChange(c, access, poll.id, next);
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/withdraw', async (c) => {
    const { user, access, poll, next, decision } = await ballotRequest(c, 'withdraw');
    if (!decision.allowed) return refuseBallot(c, access, poll, next, decision.reason, { choices: [], ranks: {} });
    const limited = consumePosting(c, user!.id);
    if (limited) return respondWithCard(c, access, poll, next, 429, { choices: [], ranks: {}, error: { key: 'error.429.body', params: limited } });
    deleteBallot(db, poll.id, user!.id);
    return afterChange(c, access, poll.id, next);
  });

  // ---- export --------------------------------------------------------------------------------

  app.get('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/results.csv', (c) => {
    const access = clubAccess(c);
    const poll = clubPoll(c, access);
    const situation = pollSituation(db, access, poll, clock());
    const decision = pollDecision(access, 'export', situation.facts);
    if (!decision.allowed) return refuseRequest(c, decision.reason);
    const rows = pollResultRows(cardFor(access, situation, pollPath(poll.clubId, poll.id)), c.get('t'));
    if (!rows) throw new HttpError(403, 'polls.error.results_hidden');
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="poll-${poll.id}-results.csv"`);
    c.header('Cache-Control', 'no-store');
    return c.body(toCsv(rows));
  });

  return app;
}

/** Option boxes to show: what was typed, then empty boxes up to at least {@link MIN_SLOTS}. */
function padSlots(slots: readonly string[]): string[] {
  const padded = [...slots];
  while (padded.length < MIN_SLOTS) padded.push('');
  return padded.slice(0, 20);
}

/** After a vote, does this edit try to change anything but the closing time? */
function changesMoreThanClosing(form: FormData, poll: Poll, labels: string[], timeZone: string): boolean {
  if (form.question !== undefined && cleanText(form.question).replace(/\s+/g, ' ') !== poll.question) return true;
  const slots = optionSlots(form);
  if (slots.length > 0) {
    const parsed = parseOptions(slots);
    if (!parsed.ok || parsed.options.length !== labels.length || parsed.options.some((label, i) => optionKey(label) !== optionKey(labels[i]!) || label !== labels[i])) return true;
  }
  if (form.kind !== undefined && form.kind !== poll.kind) return true;
  if (form.voters !== undefined && form.voters !== poll.voters) return true;
  if (form.resultsVisibility !== undefined && form.resultsVisibility !== poll.resultsVisibility) return true;
  if (poll.kind === 'multiple') {
    if (form.minChoices !== undefined && form.minChoices.trim() !== '' && Number(form.minChoices) !== poll.minChoices) return true;
    if (form.maxChoices !== undefined && form.maxChoices.trim() !== '' && Number(form.maxChoices) !== poll.maxChoices) return true;
  }
  if (form.opensAt !== undefined) {
    const opensAt = parseLocalDate(form.opensAt, timeZone);
    const stored = poll.opensAt === null ? null : Math.floor(poll.opensAt / 60_000) * 60_000;
    if (opensAt !== stored) return true;
  }
  return false;
}
