/**
 * What every clubs route file shares: finding the club (404 when the reader may not see it),
 * ids within it, the reader's dates, and the small message page.
 */
import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import { ClubMessagePage } from '../../../views/clubs/invitations';
import type { Reading } from '../../../db/schema';
import { notFound } from '../../http/errors';
import { isHtmx, parseId, type FieldErrors } from '../../http/forms';
import { refuse } from '../../http/guards';
import { pageContext, sendFragment, sendPage } from '../../http/page';
import type { AppEnv, AreaDeps } from '../../http/types';
import type { MessageKey } from '../../i18n';
import { formatDateTime, viewerTimeZone } from '../../i18n/zoned-time';
import { getReading, loadClubAccess, type ClubAccess } from '../access';
import { clubCan, type ClubAction } from '../policy';
import type { DateFormatter } from '../present';
import type { ClubPageContributions } from '../slots';

export type Ctx = Context<AppEnv>;

/** What each clubs route file is built from. */
export interface ClubRouteDeps {
  deps: AreaDeps;
  pages: ClubPageContributions;
}

/** A positive whole number from a URL segment, or NaN (which no lookup matches). */
export function idParam(value: string | undefined): number {
  return parseId(value) ?? Number.NaN;
}

/** The reader's access to the club whose id is in a URL segment, or a 404 thrown when there is nothing to see. */
export async function clubAccessOr404(deps: Pick<AreaDeps, 'db'>, clubIdParam: string | undefined, user: { id: number } | null): Promise<ClubAccess> {
  const access = await loadClubAccess(deps.db, idParam(clubIdParam), user);
  if (!access) throw notFound();
  return access;
}

/** The club in `/clubs/:id`, as the reader may see it. */
export function accessOr404(deps: AreaDeps, c: Ctx): Promise<ClubAccess> {
  return clubAccessOr404(deps, c.req.param('id'), c.get('user'));
}

/**
 * The club in `/clubs/:id` when the reader may do `action` there (404 when they may not even
 * see it); otherwise the refusal to answer with: sign in first (and come back to the club), or 403.
 */
export async function permittedOr(deps: AreaDeps, c: Ctx, action: ClubAction): Promise<ClubAccess | Response> {
  const access = await accessOr404(deps, c);
  return clubCan(access, action) ? access : refuse(c, `/clubs/${access.club.id}`);
}

/** A reading of this club (one of another club is as missing as one that never existed). */
export async function readingOr404(deps: AreaDeps, access: ClubAccess, readingParam: string | undefined): Promise<Reading> {
  const reading = await getReading(deps.db, access.club.id, idParam(readingParam));
  if (!reading) throw notFound();
  return reading;
}

/**
 * A whole HTML document as a string, for the pages sent some other way than `sendPage` (the
 * personal page cache, `no-store` invitation pages). The layout has an async part (the bell's
 * unread count), so the element's `toString()` may be the promise of its HTML.
 */
export async function documentHtml(element: HtmlEscapedString | Promise<HtmlEscapedString>): Promise<string> {
  return `<!doctype html>${String(await (await element).toString())}`;
}

export function dates(c: Ctx): { format: DateFormatter; timeZone: string } {
  const timeZone = viewerTimeZone(c.get('user')?.timeZone);
  const locale = c.get('locale');
  return { timeZone, format: (ms: number) => formatDateTime(ms, locale, timeZone) };
}

export function errorKeys(errors: FieldErrors): Partial<Record<string, MessageKey>> {
  return errors as Partial<Record<string, MessageKey>>;
}

/** A refusal of input that has no form to re-show: a message (a flash for htmx) and a way back. */
export function messagePage(c: Ctx, key: MessageKey, back: string, status: 403 | 409 | 422 = 422) {
  const t = c.get('t');
  if (isHtmx(c)) return sendFragment(c, <p class="flash flash-error" role="alert">{t(key)}</p>, status);
  return sendPage(c, <ClubMessagePage page={pageContext(c)} title={t('clubs.error.title')} message={t(key)} back={back} />, status);
}
