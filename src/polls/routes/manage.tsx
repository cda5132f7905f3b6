/**
 * Running polls (moderators): the list, creating, showing, editing, closing, reopening and
 * deleting.
 *
 *   GET  /clubs/:id/polls                 the club's polls the reader may see
 *   GET  /clubs/:id/polls/new             new poll form (`?chapter=<chapterId>`)
 *   POST /clubs/:id/polls                 create
 *   GET  /clubs/:id/polls/:pid            one poll (htmx: its card)
 *   GET  /clubs/:id/polls/:pid/edit       edit form
 *   POST /clubs/:id/polls/:pid/edit       save (only the closing time after a vote)
 *   POST /clubs/:id/polls/:pid/close      close now
 *   POST /clubs/:id/polls/:pid/reopen     reopen (optionally with a new closing time)
 *   POST /clubs/:id/polls/:pid/delete     delete
 */
import { Hono } from 'hono';
import type { Poll } from '../../../db/schema';
import { MIN_SLOTS, PollFormPage } from '../../../views/polls/form';
import { PollListPage, type PollListItem } from '../../../views/polls/pages';
import { getChapterById, listChapters } from '../../books';
import { currentReading, type ClubAccess } from '../../clubs';
import { cleanText, isHtmx, readForm, safeNextPath, type FieldErrors, type FormData } from '../../http/forms';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { MessageKey } from '../../i18n';
import { toDateTimeLocalValue } from '../../i18n/zoned-time';
import { pollCan, pollRefusal } from '../policy';
import { chapterLabel, pollPath } from '../present';
import { deletePoll, hasAnyVote, insertPoll, optionsOf, reopenPoll, rewritePoll, setClosedAt, setClosesAt } from '../queries';
import { visiblePolls } from '../service';
import { closingDateError, optionKey, optionSlots, parseLocalDate, parseOptions, parsePollForm } from '../validation';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { C, PollKit } from './shared';

export function pollManageRoutes(deps: AreaDeps, kit: PollKit): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const { ui, clubAccess, refuseRequest, respondWithCard, afterChange } = kit;
  const app = new Hono<AppEnv>();

  // ---- list ------------------------------------------------------------------------------

  app.get('/clubs/:clubId{[0-9]+}/polls', async (c) => {
    const access = await clubAccess(c);
    const now = clock();
    const t = c.get('t');
    const items: PollListItem[] = [];
    for (const situation of await visiblePolls(db, access, now)) {
      const poll = situation.poll;
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
  async function targetsFor(c: C, access: ClubAccess) {
    const t = c.get('t');
    const reading = await currentReading(db, access.club.id);
    const chapters = reading ? await listChapters(db, reading.editionId) : [];
    return {
      reading,
      targets: [
        { value: 'club', label: t('polls.form.target.club') },
        ...chapters.map((chapter) => ({ value: `chapter:${chapter.id}`, label: chapterLabel(t, chapter) })),
      ],
    };
  }

  async function renderNewForm(c: C, access: ClubAccess, values: FormData, slots: string[], errors: FieldErrors, status: 200 | 422 = 200) {
    const { targets } = await targetsFor(c, access);
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

  app.get('/clubs/:clubId{[0-9]+}/polls/new', async (c) => {
    const access = await clubAccess(c);
    const refusal = pollRefusal(access, 'create');
    if (refusal) return refuseRequest(c, refusal);
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
    const access = await clubAccess(c);
    const refusal = pollRefusal(access, 'create');
    if (refusal) return refuseRequest(c, refusal);
    const form = await readForm(c);
    const slots = optionSlots(form);
    if (form.intent === 'add_option') return renderNewForm(c, access, form, [...padSlots(slots), ''], {});

    const now = clock();
    const reading = await currentReading(db, access.club.id);
    let readingId: number | null = null;
    let chapterId: number | null = null;
    const errors: FieldErrors = {};
    const target = form.target ?? 'club';
    const chapterMatch = /^chapter:(\d{1,15})$/.exec(target);
    if (chapterMatch) {
      const chapter = reading ? await getChapterById(db, Number(chapterMatch[1])) : undefined;
      if (!chapter || !reading || chapter.editionId !== reading.editionId) errors.target = 'polls.error.target';
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
    const poll = await insertPoll(db, { clubId: access.club.id, readingId, chapterId, ...settings }, options, access.userId!, now);
    await events.publish({ type: 'poll.opened', actorId: access.userId, clubId: access.club.id, pollId: poll.id, readingId, chapterId, opensAt: poll.opensAt });
    return seeOther(c, pollPath(access.club.id, poll.id));
  });

  // ---- show ------------------------------------------------------------------------------

  app.get('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}', async (c) => {
    const { access, poll, refusal } = await kit.pollFor(c, 'view');
    if (refusal) return refuseRequest(c, refusal);
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

  async function editablePoll(c: C) {
    const { access, poll, refusal: decision } = await kit.pollFor(c, 'edit');
    return { access, poll, decision };
  }

  app.get('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/edit', async (c) => {
    const { access, poll, decision } = await editablePoll(c);
    if (decision) return refuseRequest(c, decision);
    const labels = ((await optionsOf(db, [poll.id])).get(poll.id) ?? []).map((o) => o.label);
    return renderEditForm(c, access, poll, storedValues(poll, ui(c).timeZone), labels, {}, await hasAnyVote(db, poll.id));
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/edit', async (c) => {
    const { access, poll, decision } = await editablePoll(c);
    if (decision) return refuseRequest(c, decision);
    const form = await readForm(c);
    const now = clock();
    const timeZone = ui(c).timeZone;
    const labels = ((await optionsOf(db, [poll.id])).get(poll.id) ?? []).map((o) => o.label);
    const slots = optionSlots(form);

    if (await hasAnyVote(db, poll.id)) {
      // Votes exist: the closing time is the only thing that may change.
      const stored = storedValues(poll, timeZone);
      const shown = { ...stored, closesAt: form.closesAt ?? '' };
      if (changesMoreThanClosing(form, poll, labels, timeZone)) {
        return renderEditForm(c, access, poll, shown, labels, { _form: 'polls.error.locked_after_vote' }, true, 422);
      }
      const closesAt = parseLocalDate(form.closesAt, timeZone);
      const error = closesAt === undefined ? 'polls.error.date_format' : closesAt === null ? null : closingDateError(closesAt, poll.opensAt, now);
      if (error) return renderEditForm(c, access, poll, shown, labels, { closesAt: error }, true, 422);
      await setClosesAt(db, poll.id, closesAt ?? null);
      await events.publish({ type: 'poll.changed', actorId: access.userId, clubId: access.club.id, pollId: poll.id });
      return seeOther(c, pollPath(access.club.id, poll.id));
    }

    if (form.intent === 'add_option') return renderEditForm(c, access, poll, form, [...padSlots(slots), ''], {}, false);
    const parsed = parsePollForm(form, { now, timeZone, onChapter: poll.chapterId !== null });
    if (!parsed.ok) return renderEditForm(c, access, poll, form, slots, parsed.errors, false, 422);
    const { options, ...settings } = parsed.data;
    if (!(await rewritePoll(db, poll.id, settings, options))) {
      // A vote arrived while the form was open.
      return renderEditForm(c, access, poll, { ...storedValues(poll, timeZone), closesAt: form.closesAt ?? '' }, labels, { _form: 'polls.error.locked_after_vote' }, true, 422);
    }
    await events.publish({ type: 'poll.changed', actorId: access.userId, clubId: access.club.id, pollId: poll.id });
    return seeOther(c, pollPath(access.club.id, poll.id));
  });

  // ---- close, reopen, delete --------------------------------------------------------------

  async function moderated(c: C, action: 'close' | 'reopen' | 'delete') {
    const { refusal: decision, ...found } = await kit.pollFor(c, action);
    return { ...found, decision };
  }

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/close', async (c) => {
    const { access, poll, decision } = await moderated(c, 'close');
    if (decision) return refuseRequest(c, decision);
    const form = await readForm(c);
    const next = safeNextPath(form.next, pollPath(access.club.id, poll.id));
    if (poll.closedAt === null) {
      await setClosedAt(db, poll.id, clock());
      await events.publish({ type: 'poll.closed', actorId: access.userId, clubId: access.club.id, pollId: poll.id });
    }
    return afterChange(c, access, poll.id, next);
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/reopen', async (c) => {
    const { access, poll, decision } = await moderated(c, 'reopen');
    if (decision) return refuseRequest(c, decision);
    const form = await readForm(c);
    const next = safeNextPath(form.next, pollPath(access.club.id, poll.id));
    const now = clock();
    const requested = parseLocalDate(form.closesAt, ui(c).timeZone);
    const error: MessageKey | null = requested === undefined ? 'polls.error.date_format' : requested === null ? null : closingDateError(requested, poll.opensAt, now);
    if (error) return respondWithCard(c, access, poll, next, 422, { choices: [], ranks: {}, error: { key: error } });
    // A poll closed by its date stays closed unless the date moves: reopening without a new
    // date makes it close by hand instead.
    const closesAt = requested ?? (poll.closesAt !== null && poll.closesAt <= now ? null : poll.closesAt);
    await reopenPoll(db, poll.id, closesAt);
    await events.publish({ type: 'poll.opened', actorId: access.userId, clubId: access.club.id, pollId: poll.id, readingId: poll.readingId, chapterId: poll.chapterId, opensAt: poll.opensAt });
    return afterChange(c, access, poll.id, next);
  });

  app.post('/clubs/:clubId{[0-9]+}/polls/:pollId{[0-9]+}/delete', async (c) => {
    const { access, poll, decision } = await moderated(c, 'delete');
    if (decision) return refuseRequest(c, decision);
    const form = await readForm(c);
    const own = pollPath(access.club.id, poll.id);
    const next = safeNextPath(form.next, `/clubs/${access.club.id}/polls`);
    await deletePoll(db, poll.id);
    await events.publish({ type: 'poll.deleted', actorId: access.userId, clubId: access.club.id, pollId: poll.id });
    const target = next.startsWith(own) ? `/clubs/${access.club.id}/polls` : next;
    if (isHtmx(c)) {
      c.header('HX-Location', target);
      return c.body(null, 204);
    }
    return seeOther(c, target);
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
