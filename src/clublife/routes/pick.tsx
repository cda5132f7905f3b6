/**
 * The next book.
 *
 *   GET  /clubs/:clubId/next-book                      the current round (nominations, vote, result)
 *   POST /clubs/:clubId/next-book/open                 a moderator opens a round of nominations
 *   POST /clubs/:clubId/next-book/:pickId/nominate     a member nominates (duplicates merge)
 *   POST /clubs/:clubId/next-book/:pickId/start-vote   a moderator starts the vote (method, end)
 *   POST /clubs/:clubId/next-book/:pickId/vote         a member's ballot (ranked or approval)
 *   POST /clubs/:clubId/next-book/:pickId/close        a moderator ends the vote now
 *   POST /clubs/:clubId/next-book/:pickId/adopt        a moderator makes the winner the club's reading
 */
import { Hono } from 'hono';
import { PickPage } from '../../../views/clublife/pick';
import { clubUploadRights, currentReading, type ClubAccess } from '../../clubs';
import { listLibrary } from '../../books';
import { notFound } from '../../http/errors';
import { readForm, type FieldErrors, type FormData } from '../../http/forms';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import { toDateTimeLocalValue } from '../../i18n/zoned-time';
import { clubLifeCan, clubLifeRefusal } from '../policy';
import { pickOutcome, pickTarget, pickView } from '../present';
import { addNomination, closeVote, latestPick, libraryEdition, libraryMatch, markAdopted, nominationsOf, openPick, pickOfClub, startVote, writePickBallot } from '../queries';
import { parseNomination, parsePickBallot, parseVoteStart } from '../validation';
import type { C, LifeKit } from './shared';

const DAY = 86_400_000;

export function pickRoutes(deps: AreaDeps, kit: LifeKit): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();
  const base = (clubId: number) => `/clubs/${clubId}/next-book`;

  async function render(c: C, access: ClubAccess, status: 200 | 422 = 200, values?: FormData, errors?: FieldErrors) {
    const now = clock();
    const pick = await latestPick(db, access.club.id);
    const ui = kit.ui(c);
    const view = pick ? await pickView(db, access, pick, now) : null;
    const library = (await listLibrary(db)).map((b) => ({ editionId: b.editionId, title: b.title, author: b.author }));
    return sendPage(
      c,
      <PickPage
        page={await pageContext(c)}
        ui={ui}
        frame={await kit.frame(access)}
        pick={view}
        library={library}
        canOpen={clubLifeCan(access, 'openNominations') && (!view || (view.phase === 'ended' && !view.canAdopt))}
        notice={status === 200 ? kit.notice(c) : null}
        values={values}
        errors={errors}
        endsAtDefault={toDateTimeLocalValue(now + 7 * DAY, ui.timeZone)}
      />,
      status,
    );
  }

  /** The round in the path, of this club (another club's is as absent as a missing one). */
  async function pickFor(c: C, access: ClubAccess) {
    const pick = await pickOfClub(db, access.club.id, kit.idParam(c, 'pickId'));
    if (!pick) throw notFound();
    return pick;
  }

  app.get('/clubs/:clubId{[0-9]+}/next-book', async (c) => {
    const access = await kit.access(c);
    const refusal = clubLifeRefusal(access, 'view');
    if (refusal) return kit.refuseWith(c, refusal);
    return render(c, access);
  });

  app.post('/clubs/:clubId{[0-9]+}/next-book/open', async (c) => {
    const access = await kit.access(c);
    const refusal = clubLifeRefusal(access, 'openNominations');
    if (refusal) return kit.refuseWith(c, refusal, true);
    const current = await latestPick(db, access.club.id);
    if (current && pickTarget(current, clock()).phase !== 'ended') return seeOther(c, base(access.club.id));
    await kit.posting(c);
    const pick = await openPick(db, access.club.id, 'ranked', access.userId!, clock());
    await events.publish({ type: 'nominations.opened', actorId: access.userId, clubId: access.club.id, pickId: pick.id });
    return seeOther(c, base(access.club.id));
  });

  app.post('/clubs/:clubId{[0-9]+}/next-book/:pickId{[0-9]+}/nominate', async (c) => {
    const access = await kit.access(c);
    const pick = await pickFor(c, access);
    const refusal = clubLifeRefusal(access, 'nominate', pickTarget(pick, clock()));
    if (refusal) return kit.refuseWith(c, refusal);
    const form = await readForm(c);
    const parsed = parseNomination(form);
    if (!parsed.ok) return render(c, access, 422, form, parsed.errors);
    const input = parsed.data;
    let book: { editionId: number; bookId: number; title: string; author: string | null } | undefined;
    if (input.editionId !== null) {
      book = await libraryEdition(db, input.editionId);
      if (!book) return render(c, access, 422, form, { editionId: 'clublife.error.no_such_book' });
    } else {
      // A typed title that is a library book merges with it (and can be adopted in one click).
      book = await libraryMatch(db, input.title, input.author);
    }
    await kit.posting(c);
    const result = await addNomination(
      db,
      {
        pickId: pick.id,
        bookId: book?.bookId ?? null,
        editionId: book?.editionId ?? null,
        title: book?.title ?? input.title,
        author: book?.author ?? input.author,
        link: input.link,
        reason: input.reason,
      },
      access.userId!,
      clock(),
    );
    await events.publish({ type: 'book.nominated', actorId: access.userId, clubId: access.club.id, pickId: pick.id, nominationId: result.id, merged: result.merged });
    return seeOther(c, `${base(access.club.id)}?done=${result.merged ? 'merged' : 'nominated'}#nomination-${result.id}`);
  });

  app.post('/clubs/:clubId{[0-9]+}/next-book/:pickId{[0-9]+}/start-vote', async (c) => {
    const access = await kit.access(c);
    const pick = await pickFor(c, access);
    const refusal = clubLifeRefusal(access, 'startVote', pickTarget(pick, clock()));
    if (refusal) return kit.refuseWith(c, refusal, true);
    const form = await readForm(c);
    const parsed = parseVoteStart(form, clock(), kit.ui(c).timeZone);
    if (!parsed.ok) return render(c, access, 422, form, parsed.errors);
    if ((await nominationsOf(db, pick.id)).length < 2) return render(c, access, 422, form, { _form: 'clublife.pick.need_two' });
    await startVote(db, pick.id, parsed.data.method, parsed.data.endsAt, clock());
    await events.publish({ type: 'book_vote.opened', actorId: access.userId, clubId: access.club.id, pickId: pick.id, endsAt: parsed.data.endsAt });
    return seeOther(c, base(access.club.id));
  });

  app.post('/clubs/:clubId{[0-9]+}/next-book/:pickId{[0-9]+}/vote', async (c) => {
    const access = await kit.access(c);
    const pick = await pickFor(c, access);
    const refusal = clubLifeRefusal(access, 'vote', pickTarget(pick, clock()));
    if (refusal) return kit.refuseWith(c, refusal);
    const form = await readForm(c);
    const ids = (await nominationsOf(db, pick.id)).map((n) => n.id);
    const parsed = parsePickBallot(form, pick.method, ids);
    if (!parsed.ok) return render(c, access, 422, form, parsed.errors);
    await kit.posting(c);
    await writePickBallot(db, pick.id, access.userId!, parsed.data);
    await events.publish({ type: 'book_vote.voted', actorId: access.userId, clubId: access.club.id, pickId: pick.id });
    return seeOther(c, `${base(access.club.id)}?done=voted`);
  });

  app.post('/clubs/:clubId{[0-9]+}/next-book/:pickId{[0-9]+}/close', async (c) => {
    const access = await kit.access(c);
    const pick = await pickFor(c, access);
    const refusal = clubLifeRefusal(access, 'closeVote', pickTarget(pick, clock()));
    if (refusal) return kit.refuseWith(c, refusal, true);
    await closeVote(db, pick.id, clock());
    await events.publish({ type: 'book_vote.closed', actorId: access.userId, clubId: access.club.id, pickId: pick.id });
    return seeOther(c, `${base(access.club.id)}#results`);
  });

  app.post('/clubs/:clubId{[0-9]+}/next-book/:pickId{[0-9]+}/adopt', async (c) => {
    const access = await kit.access(c);
    const pick = await pickFor(c, access);
    const refusal = clubLifeRefusal(access, 'adoptWinner', pickTarget(pick, clock()));
    if (refusal) return kit.refuseWith(c, refusal, true);
    const rows = await nominationsOf(db, pick.id);
    const outcome = await pickOutcome(db, pick, rows);
    const winner = outcome.winners.length === 1 ? rows.find((n) => n.id === outcome.winners[0]) : undefined;
    if (!winner || pick.adoptedReadingId !== null) return seeOther(c, base(access.club.id));
    // Not in the library: the upload step for this club (its confirmation starts the reading).
    if (winner.editionId === null) return seeOther(c, `/library/upload?club=${access.club.id}`);
    const user = c.get('user')!;
    // The clubs area's own "pick a book" (its policy, its event): the reading starts now.
    if (!(await clubUploadRights(deps).startReadingFor(user, access.club.id, winner.editionId, clock()))) return kit.refuseWith(c, 'forbidden', true);
    const reading = await currentReading(db, access.club.id);
    if (reading) await markAdopted(db, pick.id, reading.id);
    return seeOther(c, `/clubs/${access.club.id}?done=adopted`);
  });

  return app;
}
