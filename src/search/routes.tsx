/**
 * Routes of the search area:
 *
 * | method | path | what |
 * | --- | --- | --- |
 * | GET | `/clubs/:clubId/search?q=&order=best\|newest` | the club's book text and discussion; the results fragment with `HX-Request`, the whole page without |
 * | GET | `/search?q=` | the site administrator's search over every book in the library |
 *
 * Any input is answered 200 (an empty or unsearchable query says so); who may ask is
 * `./policy`, what each reader sees `./present` (the spoiler gate).
 */
import { Hono } from 'hono';
import { ClubSearchResults, LibrarySearchResults } from '../../views/search/parts';
import { ClubSearchPage, LibrarySearchPage } from '../../views/search/pages';
import { clubAccessOr404, currentReading } from '../clubs';
import { notFound } from '../http/errors';
import { isHtmx } from '../http/forms';
import { redirectToLogin } from '../http/guards';
import { pageContext, sendFragment, sendPage } from '../http/page';
import type { AppEnv, AreaDeps } from '../http/types';
import { viewerTimeZone } from '../i18n/zoned-time';
import { searchCan } from './policy';
import { clubSearchResults, librarySearchResults, orderOf } from './present';
import { QUERY_MAX_CHARS } from './query';
import type { SearchBoxView } from './types';

/** The box of a club's search (also what the club pages' panels draw). */
export function clubSearchBox(clubId: number, query = '', order: SearchBoxView['order'] = 'best', idPrefix = 'search'): SearchBoxView {
  return { action: `/clubs/${clubId}/search`, query, order, maxChars: QUERY_MAX_CHARS, idPrefix };
}

export function searchRoutes(deps: AreaDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/clubs/:clubId/search', async (c) => {
    const user = c.get('user');
    const access = await clubAccessOr404(deps, c.req.param('clubId'), user);
    if (!searchCan({ access }, 'searchClub')) throw notFound();
    const order = orderOf(c.req.query('order'));
    const t = c.get('t');
    const results = await clubSearchResults(deps, access, await currentReading(deps.db, access.club.id), c.req.query('q'), order, {
      t,
      locale: c.get('locale'),
      timeZone: viewerTimeZone(user?.timeZone),
      now: deps.clock(),
    });
    if (isHtmx(c)) return sendFragment(c, <ClubSearchResults t={t} results={results} />);
    return sendPage(
      c,
      <ClubSearchPage page={pageContext(c)} clubName={access.club.name} clubHref={`/clubs/${access.club.id}`} box={clubSearchBox(access.club.id, results.query, order)} results={results} />,
    );
  });

  app.get('/search', async (c) => {
    const user = c.get('user');
    if (!user) return redirectToLogin(c, c.req.path);
    if (!searchCan({ isAdmin: user.isAdmin }, 'searchLibrary')) throw notFound();
    const t = c.get('t');
    const results = await librarySearchResults(deps.db, c.req.query('q'), t, deps.clock());
    if (isHtmx(c)) return sendFragment(c, <LibrarySearchResults t={t} results={results} />);
    const box: SearchBoxView = { action: '/search', query: results.query, order: 'best', maxChars: QUERY_MAX_CHARS, idPrefix: 'library-search' };
    return sendPage(c, <LibrarySearchPage page={pageContext(c)} box={box} results={results} />);
  });

  return app;
}
