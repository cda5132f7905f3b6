/**
 * The clubs index (my clubs, public clubs to discover) and creating a club.
 *
 *   GET  /clubs        my clubs and public ones
 *   GET  /clubs/new    the form
 *   POST /clubs        create (the creator becomes the owner)
 */
import { Hono } from 'hono';
import { ClubsIndexPage, NewClubPage } from '../../../views/clubs/list';
import { consumePosting, redirectToLogin } from '../../http/guards';
import { readValidForm } from '../../http/forms';
import { pageContext, seeOther, sendPage } from '../../http/page';
import type { AppEnv } from '../../http/types';
import { createClub, listMyClubs, listPublicClubs } from '../queries';
import { bookFraction, percent } from '../reading';
import { clubSchema } from '../validation';
import { errorKeys, type ClubRouteDeps } from './shared';

export function clubListRoutes({ deps }: ClubRouteDeps): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  app.get('/clubs', async (c) => {
    const user = c.get('user');
    const mine = user
      ? (await listMyClubs(db, user.id)).map((row) => ({
          id: row.club.id,
          name: row.club.name,
          visibility: row.club.visibility,
          language: row.club.language,
          role: row.role,
          memberCount: row.memberCount,
          bookTitle: row.bookTitle,
          bookPercent: row.readingId !== null && row.paragraphCount ? percent(bookFraction(row.position, row.paragraphCount)) : null,
        }))
      : null;
    const discover = (await listPublicClubs(db, user?.id ?? null)).map((row) => ({
      id: row.club.id,
      name: row.club.name,
      description: row.club.description,
      language: row.club.language,
      memberCount: row.memberCount,
      bookTitle: row.bookTitle,
    }));
    return sendPage(c, <ClubsIndexPage page={pageContext(c)} mine={mine} discover={discover} />);
  });

  app.get('/clubs/new', (c) => {
    if (!c.get('user')) return redirectToLogin(c);
    return sendPage(c, <NewClubPage page={pageContext(c)} values={{}} errors={{}} />);
  });

  app.post('/clubs', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, '/clubs/new');
    const { form, parsed } = await readValidForm(c, clubSchema);
    if (!parsed.ok) return sendPage(c, <NewClubPage page={pageContext(c)} values={form} errors={errorKeys(parsed.errors)} />, 422);
    await consumePosting(c, deps.rateLimiters.postingPerUser, clock());
    const club = await createClub(deps, parsed.data, user.id, clock());
    await events.publish({ type: 'club.created', actorId: user.id, clubId: club.id });
    return seeOther(c, `/clubs/${club.id}?done=created`);
  });

  return app;
}
