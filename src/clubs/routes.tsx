/**
 * Routes of the clubs area: clubs and their people, invitations, the book a club reads, its
 * schedule, chapter pages and reading progress.
 *
 * Every handler under `/clubs/:id` starts from `loadClubAccess` (null ⇒ 404, so a private
 * club's existence never leaks), looks up any other id *within that club* (a reading, an
 * invitation or a member of another club is as missing as one that never existed), then asks
 * `clubCan` in `policy.ts` whether the reader may. Forms post and redirect with 303; refused
 * input re-renders the form with translated errors (422) and what was typed.
 */
import { Hono, type Context } from 'hono';
import { ClubChapterPage, ProgressBox, type ChapterProgressView } from '../../views/clubs/chapter';
import { ClubHomePage, type ClubHomeView, type MemberView } from '../../views/clubs/home';
import { ClubMessagePage, InvitationsPage, InvitePage, type InvitePageState } from '../../views/clubs/invitations';
import { ClubsIndexPage, NewClubPage } from '../../views/clubs/list';
import { PickBookPage, ReadingPage, SchedulePage } from '../../views/clubs/reading';
import type { Reading, User } from '../../db/schema';
import { chapterAnnotations, recentDiscussion } from '../annotations/hooks';
import { redirectToLogin } from '../auth/routes';
import { getChapterByOrdinal, getEdition, listChapters, listLibrary, listParagraphs } from '../books/queries';
import { HttpError, notFound, forbidden } from '../http/errors';
import { isHtmx, parseId, readForm, validateForm, type FieldErrors, type FormData } from '../http/forms';
import { pageContext, renderDocument, seeOther, sendFragment, sendHtml, sendPage, sendPersonalPage } from '../http/page';
import type { RateLimiters } from '../http/rate-limit';
import type { AppDeps, AppEnv } from '../http/types';
import type { MessageKey } from '../i18n';
import { chapterBasePath, chapterLabel, chapterRows, clubHeading, type DateFormatter } from './present';
import { accessFor, chapterOpensAt, clubAccessOr404, currentReading, getReading, loadClubAccess, progressOf, type ClubAccess } from './access';
import type { ClubChapterContext, ClubHomeContext } from './hooks';
import { hashInvitationToken, looksLikeInvitationToken, newInvitationToken } from './invitation-token';
import { chapterOpenTo, clubCan } from './policy';
import { openPolls, chapterPolls } from '../polls/hooks';
import {
  addMember,
  chapterAtPosition,
  createClub,
  createInvitation,
  findInvitationByHash,
  getInvitation,
  getMembership,
  listInvitations,
  listMembers,
  listMyClubs,
  listPublicClubs,
  listReadings,
  recordProgress,
  redeemInvitation,
  removeMember,
  revokeInvitation,
  scheduleOf,
  setMemberRole,
  setProgressHidden,
  startReading,
  transferOwnership,
  writeSchedule,
} from './queries';
import { bookFraction, continueOrdinal, invitationState, percent, planOpenings, scheduleFormDefaults, scheduleSummary } from './reading';
import { chapterProgressFor, judgeReportFor } from './reading-progress';
import { clubSchema, hideProgressSchema, invitationSchema, pickBookSchema, progressSchema, roleChangeSchema, scheduleSchema, transferSchema } from './validation';
import { formatDateTime, toDateTimeLocalValue, viewerTimeZone } from './zoned-time';

type Ctx = Context<AppEnv>;

/** A positive whole number from a URL segment, or NaN (which no lookup matches). */
export function idParam(value: string | undefined): number {
  return parseId(value) ?? Number.NaN;
}

/** Notices shown on the club home after a redirect (`?done=…`). */
const HOME_NOTICES: Record<string, MessageKey> = {
  created: 'clubs.notice.created',
  joined: 'clubs.notice.joined',
  book: 'clubs.notice.book',
  role: 'clubs.notice.role',
  removed: 'clubs.notice.removed',
  transferred: 'clubs.notice.transferred',
  progress: 'clubs.notice.progress',
};

export function clubRoutes(deps: AppDeps, limiters: RateLimiters): Hono<AppEnv> {
  const { db, clock } = deps;
  const app = new Hono<AppEnv>();

  // ------------------------------------------------------------ helpers

  /** The reader's access to the club in the URL, or a 404 thrown. */
  function accessOr404(c: Ctx): ClubAccess {
    return clubAccessOr404(db, c.req.param('id'), c.get('user'));
  }

  /** A refusal on a club the reader can see: sign in first if signed out, else 403. */
  function refuse(c: Ctx, access: ClubAccess): Response {
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent(`/clubs/${access.club.id}`)}`, 303);
    throw forbidden();
  }

  function readingOr404(access: ClubAccess, readingParam: string | undefined): Reading {
    const reading = getReading(db, access.club.id, idParam(readingParam));
    if (!reading) throw notFound();
    return reading;
  }

  function consumePosting(user: User) {
    const verdict = limiters.postingPerUser.consume(`user:${user.id}`, clock());
    if (!verdict.allowed) throw new HttpError(429, 'error.429.body', { seconds: verdict.retryAfterSeconds }, verdict.retryAfterSeconds);
  }

  function dates(c: Ctx): { format: DateFormatter; timeZone: string } {
    const timeZone = viewerTimeZone(c.get('user')?.timeZone);
    const locale = c.get('locale');
    return { timeZone, format: (ms: number) => formatDateTime(ms, locale, timeZone) };
  }

  function errorKeys(errors: FieldErrors): Partial<Record<string, MessageKey>> {
    return errors as Partial<Record<string, MessageKey>>;
  }

  // ------------------------------------------------------------ my clubs, creating a club

  app.get('/clubs', (c) => {
    const user = c.get('user');
    const mine = user
      ? listMyClubs(db, user.id).map((row) => ({
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
    const discover = listPublicClubs(db, user?.id ?? null).map((row) => ({
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
    if (!user) return c.redirect('/login?next=%2Fclubs%2Fnew', 303);
    const form = await readForm(c);
    const parsed = validateForm(clubSchema, form);
    if (!parsed.ok) return sendPage(c, <NewClubPage page={pageContext(c)} values={form} errors={errorKeys(parsed.errors)} />, 422);
    consumePosting(user);
    const club = createClub(deps, parsed.data, user.id, clock());
    return seeOther(c, `/clubs/${club.id}?done=created`);
  });

  // ------------------------------------------------------------ club home

  function renderHome(c: Ctx, access: ClubAccess, transfer: { values: FormData; errors: FieldErrors } = { values: {}, errors: {} }, status: 200 | 422 = 200) {
    const user = c.get('user');
    const t = c.get('t');
    const now = clock();
    const { format, timeZone } = dates(c);
    const club = access.club;
    const reading = currentReading(db, club.id);
    const edition = reading ? getEdition(db, reading.editionId) : undefined;
    const progress = reading && access.isMember ? progressOf(db, reading.id, access.userId) : 0;
    const allMembers = listMembers(db, club.id, reading?.id ?? null);
    const me = allMembers.find((member) => member.userId === access.userId);

    let current: ClubHomeView['current'] = null;
    if (reading && edition) {
      const chapters = listChapters(db, edition.id);
      const schedule = scheduleOf(db, reading.id);
      const rows = chapterRows({ access, reading, chapters, schedule, progress, now, format, t: c.get('t') });
      const summary = scheduleSummary(
        chapters.map((chapter) => ({ ordinal: chapter.ordinal, title: chapterLabel(t, chapter), opensAt: schedule.get(chapter.id) ?? null })),
        now,
      );
      const readable = chapters.filter((chapter) => chapterOpenTo(access, schedule.get(chapter.id) ?? null, now));
      const continueAt = continueOrdinal(readable, access.isMember ? progress : 0);
      const continueChapter = chapters.find((chapter) => chapter.ordinal === continueAt);
      current = {
        readingId: reading.id,
        title: edition.title,
        author: edition.author,
        language: edition.language,
        startedAtText: format(reading.startedAt),
        chapterCount: chapters.length,
        openCount: summary.openCount,
        openThrough: summary.openThrough,
        nextOpening: summary.nextOpening ? { ordinal: summary.nextOpening.ordinal, title: summary.nextOpening.title, dateText: format(summary.nextOpening.opensAt) } : null,
        continueLink: continueChapter ? { href: `${chapterBasePath(club.id, reading)}/${continueChapter.ordinal}`, title: chapterLabel(t, continueChapter) } : null,
        myBookPercent: access.isMember ? percent(bookFraction(progress, edition.paragraphCount)) : null,
        chapters: rows,
      };
    }

    const members: MemberView[] | null = clubCan(access, 'seeMembers')
      ? allMembers.map((member) => {
          const target = { userId: member.userId, role: member.role, progressHidden: member.progressHidden };
          return {
            userId: member.userId,
            displayName: member.displayName,
            username: member.username,
            role: member.role,
            isSelf: member.userId === access.userId,
            percent: edition && clubCan(access, 'seeMemberProgress', { target }) ? percent(bookFraction(member.position, edition.paragraphCount)) : null,
            hidden: member.progressHidden,
            actions: {
              promote: clubCan(access, 'promote', { target }),
              demote: clubCan(access, 'demote', { target }),
              remove: clubCan(access, 'removeMember', { target }),
            },
          };
        })
      : null;

    const invitations = clubCan(access, 'listInvites') ? listInvitations(db, club.id) : null;
    const earlier = listReadings(db, club.id)
      .filter((row) => row.reading.endedAt !== null)
      .map((row) => ({ readingId: row.reading.id, title: row.title, startedAtText: format(row.reading.startedAt), endedAtText: format(row.reading.endedAt!) }));

    const hookContext: ClubHomeContext = { deps, access, viewer: user, reading, progress, t, locale: c.get('locale'), timeZone, now };
    const noticeKey = HOME_NOTICES[c.req.query('done') ?? ''];
    const transferCandidates = allMembers.filter((member) => clubCan(access, 'transferOwnership', { target: { userId: member.userId, role: member.role } }));

    const view: ClubHomeView = {
      club: clubHeading(db, access, allMembers.length),
      isModerator: access.isModerator,
      can: {
        join: clubCan(access, 'join'),
        signInToJoin: !user && access.club.visibility === 'public',
        leave: clubCan(access, 'leave'),
        ownerMustHandOver: access.isOwner,
        seeMembers: clubCan(access, 'seeMembers'),
        hideProgress: clubCan(access, 'hideProgress'),
        pickBook: clubCan(access, 'pickBook'),
        setSchedule: clubCan(access, 'setSchedule'),
        listInvites: clubCan(access, 'listInvites'),
        transfer: clubCan(access, 'transferOwnership') && transferCandidates.length > 0,
      },
      current,
      members,
      myProgressHidden: me?.progressHidden ?? false,
      transfer: {
        candidates: transferCandidates.map((member) => ({ userId: member.userId, name: `${member.displayName} (@${member.username})` })),
        values: transfer.values,
        errors: errorKeys(transfer.errors),
      },
      activeInvitations: invitations ? invitations.filter((row) => invitationState(row.invitation, now) === 'active').length : null,
      earlier,
      polls: openPolls(hookContext),
      discussion: recentDiscussion(hookContext),
      notice: noticeKey ? t(noticeKey) : null,
    };
    return sendPage(c, <ClubHomePage page={pageContext(c)} view={view} />, status);
  }

  app.get('/clubs/:id', (c) => renderHome(c, accessOr404(c)));

  // ------------------------------------------------------------ joining, leaving, members

  app.post('/clubs/:id/join', (c) => {
    const access = accessOr404(c);
    const user = c.get('user');
    if (access.isMember) return seeOther(c, `/clubs/${access.club.id}`);
    if (!user || !clubCan(access, 'join')) return refuse(c, access);
    consumePosting(user);
    addMember(db, access.club.id, user.id, 'member', clock());
    return seeOther(c, `/clubs/${access.club.id}?done=joined`);
  });

  app.post('/clubs/:id/leave', (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'leave')) {
      if (access.isOwner) {
        const t = c.get('t');
        return sendPage(c, <ClubMessagePage page={pageContext(c)} title={t('clubs.leave.refused_title')} message={t('clubs.leave.owner_must_hand_over')} back={`/clubs/${access.club.id}`} />, 409);
      }
      return refuse(c, access);
    }
    removeMember(db, access.club.id, access.userId!);
    return seeOther(c, '/clubs');
  });

  app.post('/clubs/:id/progress-visibility', async (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'hideProgress')) return refuse(c, access);
    const parsed = validateForm(hideProgressSchema, await readForm(c));
    if (!parsed.ok) return messagePage(c, 'clubs.error.hidden', `/clubs/${access.club.id}`);
    setProgressHidden(db, access.club.id, access.userId!, parsed.data.hidden === 'yes');
    return seeOther(c, `/clubs/${access.club.id}?done=progress`);
  });

  function targetOr404(access: ClubAccess, userParam: string | undefined) {
    const membership = getMembership(db, access.club.id, idParam(userParam));
    if (!membership) throw notFound();
    return { userId: membership.userId, role: membership.role, progressHidden: membership.progressHidden };
  }

  // The permission is checked before the member is looked up: otherwise a visitor could tell
  // members from non-members of a public club by the answer (404 or 403).
  app.post('/clubs/:id/members/:userId/role', async (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'promote') && !clubCan(access, 'demote')) return refuse(c, access);
    const target = targetOr404(access, c.req.param('userId'));
    const parsed = validateForm(roleChangeSchema, await readForm(c));
    if (!parsed.ok) return messagePage(c, 'clubs.error.role', `/clubs/${access.club.id}`);
    const action = parsed.data.role === 'moderator' ? 'promote' : 'demote';
    if (!clubCan(access, action, { target })) return refuse(c, access);
    setMemberRole(db, access.club.id, target.userId, action === 'promote' ? 'member' : 'moderator', parsed.data.role);
    return seeOther(c, `/clubs/${access.club.id}?done=role`);
  });

  app.post('/clubs/:id/members/:userId/remove', (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'removeMember')) return refuse(c, access);
    const target = targetOr404(access, c.req.param('userId'));
    if (!clubCan(access, 'removeMember', { target })) return refuse(c, access);
    removeMember(db, access.club.id, target.userId);
    return seeOther(c, `/clubs/${access.club.id}?done=removed`);
  });

  app.post('/clubs/:id/transfer', async (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'transferOwnership')) return refuse(c, access);
    const form = await readForm(c);
    const parsed = validateForm(transferSchema, form);
    if (!parsed.ok) return renderHome(c, access, { values: form, errors: parsed.errors }, 422);
    const membership = getMembership(db, access.club.id, parsed.data.userId);
    const target = membership && { userId: membership.userId, role: membership.role };
    if (!target || !clubCan(access, 'transferOwnership', { target })) {
      return renderHome(c, access, { values: form, errors: { userId: 'clubs.error.transfer_member' } }, 422);
    }
    if (!transferOwnership(deps, access.club.id, access.userId!, target.userId)) {
      return renderHome(c, access, { values: form, errors: { userId: 'clubs.error.transfer_member' } }, 422);
    }
    return seeOther(c, `/clubs/${access.club.id}?done=transferred`);
  });

  // ------------------------------------------------------------ invitations

  function renderInvitations(
    c: Ctx,
    access: ClubAccess,
    state: { values?: FormData; errors?: FieldErrors; created?: { url: string; role: 'member' | 'moderator'; expiresAt: number; maxUses: number } } = {},
    status: 200 | 422 = 200,
  ) {
    const now = clock();
    const { format } = dates(c);
    const rows = listInvitations(db, access.club.id).map(({ invitation, createdByName }) => {
      const stateNow = invitationState(invitation, now);
      return {
        id: invitation.id,
        role: invitation.role,
        state: stateNow,
        uses: invitation.uses,
        maxUses: invitation.maxUses,
        expiresAtText: format(invitation.expiresAt),
        createdAtText: format(invitation.createdAt),
        createdBy: createdByName,
        canRevoke: stateNow === 'active' && clubCan(access, 'revokeInvite'),
      };
    });
    const created = state.created ? { url: state.created.url, role: state.created.role, expiresAtText: format(state.created.expiresAt), maxUses: state.created.maxUses } : null;
    return sendPage(
      c,
      <InvitationsPage
        page={pageContext(c)}
        club={clubHeading(db, access)}
        currentReadingId={currentReading(db, access.club.id)?.id ?? null}
        rows={rows}
        canInviteModerators={clubCan(access, 'inviteModerator')}
        values={state.values ?? {}}
        errors={errorKeys(state.errors ?? {})}
        created={created}
      />,
      status,
    );
  }

  app.get('/clubs/:id/invitations', (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'listInvites')) return refuse(c, access);
    return renderInvitations(c, access);
  });

  app.post('/clubs/:id/invitations', async (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'invite')) return refuse(c, access);
    const form = await readForm(c);
    const parsed = validateForm(invitationSchema, form);
    if (!parsed.ok) return renderInvitations(c, access, { values: form, errors: parsed.errors }, 422);
    if (parsed.data.role === 'moderator' && !clubCan(access, 'inviteModerator')) return refuse(c, access);
    consumePosting(c.get('user')!);
    const now = clock();
    const { token, tokenHash } = newInvitationToken();
    const expiresAt = now + parsed.data.expiresInHours * 3_600_000;
    createInvitation(db, access.club.id, { tokenHash, role: parsed.data.role, maxUses: parsed.data.maxUses, expiresAt }, access.userId!, now);
    // The token exists only in this response: it is shown once, never stored, never put in a URL we redirect to.
    const url = `${deps.config.origin}/invite/${token}`;
    return renderInvitations(c, access, { created: { url, role: parsed.data.role, expiresAt, maxUses: parsed.data.maxUses } });
  });

  app.post('/clubs/:id/invitations/:invitationId/revoke', (c) => {
    const access = accessOr404(c);
    const invitation = getInvitation(db, access.club.id, idParam(c.req.param('invitationId')));
    if (!invitation) throw notFound();
    if (!clubCan(access, 'revokeInvite')) return refuse(c, access);
    revokeInvitation(db, access.club.id, invitation.id, clock());
    return seeOther(c, `/clubs/${access.club.id}/invitations`);
  });

  /** What an invitation link shows, before the reader's own situation is considered. */
  function inviteLookup(token: string) {
    if (!looksLikeInvitationToken(token)) return { reason: 'invalid' as const };
    const found = findInvitationByHash(db, hashInvitationToken(token));
    if (!found) return { reason: 'invalid' as const };
    const state = invitationState(found.invitation, clock());
    if (state !== 'active') return { reason: state };
    return { found };
  }

  async function sendInvitePage(c: Ctx, state: InvitePageState, status: 200 | 404 | 410) {
    c.header('Cache-Control', 'no-store');
    return c.html(`<!doctype html>${await (<InvitePage page={pageContext(c)} state={state} />)}`, status);
  }

  app.get('/invite/:token', (c) => {
    const token = c.req.param('token');
    const user = c.get('user');
    const lookup = inviteLookup(token);
    if (!('found' in lookup) || !lookup.found) return sendInvitePage(c, { kind: 'unusable', reason: lookup.reason! }, lookup.reason === 'invalid' ? 404 : 410);
    const { club, invitation } = lookup.found;
    // Signed out: the club, and the two ways in (a new account joins as it is created).
    const next = encodeURIComponent(`/invite/${token}`);
    const memberCount = listMembers(db, club.id, null).length;
    const joinState = { kind: 'join' as const, club: { name: club.name, description: club.description, memberCount }, role: invitation.role, action: `/invite/${token}` };
    if (!user) return sendInvitePage(c, { ...joinState, signedOut: { register: `/register?next=${next}`, login: `/login?next=${next}` } }, 200);
    const access = accessFor(club, user.id, getMembership(db, club.id, user.id)?.role ?? null);
    if (!clubCan(access, 'acceptInvite')) return sendInvitePage(c, { kind: 'member', club: { id: club.id, name: club.name } }, 200);
    return sendInvitePage(c, joinState, 200);
  });

  app.post('/invite/:token', (c) => {
    const token = c.req.param('token');
    const user = c.get('user');
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(`/invite/${token}`)}`, 303);
    if (!looksLikeInvitationToken(token)) return sendInvitePage(c, { kind: 'unusable', reason: 'invalid' }, 404);
    consumePosting(user);
    const result = redeemInvitation(deps, hashInvitationToken(token), user.id, clock());
    if (result.status === 'joined') return seeOther(c, `/clubs/${result.clubId}?done=joined`);
    if (result.status === 'already_member') return seeOther(c, `/clubs/${result.clubId}`);
    const lookup = inviteLookup(token);
    const reason = 'reason' in lookup && lookup.reason ? lookup.reason : 'used_up';
    return sendInvitePage(c, { kind: 'unusable', reason }, reason === 'invalid' ? 404 : 410);
  });

  // ------------------------------------------------------------ the book: picking, its page, schedule

  function renderPick(c: Ctx, access: ClubAccess, error: MessageKey | null, preselected: number | null, status: 200 | 422 = 200) {
    const current = currentReading(db, access.club.id);
    // An edition just uploaded for the club (`?edition=`) comes first, ready to confirm.
    const library = [...listLibrary(db)].sort((a, b) => Number(b.editionId === preselected) - Number(a.editionId === preselected)).map((row) => ({
      editionId: row.editionId,
      title: row.title,
      author: row.author,
      language: row.language,
      chapterCount: row.chapterCount,
      paragraphCount: row.paragraphCount,
    }));
    return sendPage(
      c,
      <PickBookPage
        page={pageContext(c)}
        club={clubHeading(db, access)}
        currentReadingId={current?.id ?? null}
        currentEditionId={current?.editionId ?? null}
        library={library}
        preselected={preselected}
        error={error}
      />,
      status,
    );
  }

  app.get('/clubs/:id/readings/new', (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'pickBook')) return refuse(c, access);
    const preselected = idParam(c.req.query('edition'));
    return renderPick(c, access, null, Number.isNaN(preselected) ? null : preselected);
  });

  app.post('/clubs/:id/readings', async (c) => {
    const access = accessOr404(c);
    if (!clubCan(access, 'pickBook')) return refuse(c, access);
    const parsed = validateForm(pickBookSchema, await readForm(c));
    const edition = parsed.ok ? getEdition(db, parsed.data.editionId) : undefined;
    if (!edition) return renderPick(c, access, 'clubs.error.edition', null, 422);
    startReading(deps, access.club.id, edition.id, clock());
    return seeOther(c, `/clubs/${access.club.id}?done=book`);
  });

  app.get('/clubs/:id/readings/:readingId', (c) => {
    const access = accessOr404(c);
    const reading = readingOr404(access, c.req.param('readingId'));
    const edition = getEdition(db, reading.editionId)!;
    const now = clock();
    const { format } = dates(c);
    const chapters = listChapters(db, edition.id);
    const schedule = scheduleOf(db, reading.id);
    const progress = access.isMember ? progressOf(db, reading.id, access.userId) : 0;
    const readable = chapters.filter((chapter) => chapterOpenTo(access, schedule.get(chapter.id) ?? null, now));
    const continueAt = continueOrdinal(readable, access.isMember ? progress : 0);
    const continueChapter = chapters.find((chapter) => chapter.ordinal === continueAt);
    return sendPage(
      c,
      <ReadingPage
        page={pageContext(c)}
        view={{
          club: clubHeading(db, access),
          isModerator: access.isModerator,
          currentReadingId: currentReading(db, access.club.id)?.id ?? null,
          reading: {
            id: reading.id,
            title: edition.title,
            author: edition.author,
            language: edition.language,
            startedAtText: format(reading.startedAt),
            endedAtText: reading.endedAt === null ? null : format(reading.endedAt),
          },
          myBookPercent: access.isMember ? percent(bookFraction(progress, edition.paragraphCount)) : null,
          continueLink: continueChapter ? { href: `${chapterBasePath(access.club.id, reading)}/${continueChapter.ordinal}`, title: chapterLabel(c.get('t'), continueChapter) } : null,
          chapters: chapterRows({ access, reading, chapters, schedule, progress, now, format, t: c.get('t') }),
          canSetSchedule: clubCan(access, 'setSchedule'),
        }}
      />,
    );
  });

  function renderSchedule(c: Ctx, access: ClubAccess, reading: Reading, values: FormData, errors: FieldErrors, status: 200 | 422 = 200) {
    const edition = getEdition(db, reading.editionId)!;
    const { format, timeZone } = dates(c);
    const schedule = scheduleOf(db, reading.id);
    const chapters = listChapters(db, edition.id);
    // A fresh form offers the next run to date (after saving one: the chapters after it).
    const shown = Object.keys(values).length > 0 ? values : scheduleFormDefaults(chapters.map((chapter) => ({ ordinal: chapter.ordinal, kind: chapter.kind, opensAt: schedule.get(chapter.id) ?? null })), timeZone);
    const rows = chapters.map((chapter) => {
      const opensAt = schedule.get(chapter.id) ?? null;
      return {
        ordinal: chapter.ordinal,
        title: chapterLabel(c.get('t'), chapter),
        opensAtText: opensAt === null ? null : format(opensAt),
        opensAtValue: opensAt === null ? '' : toDateTimeLocalValue(opensAt, timeZone),
      };
    });
    return sendPage(
      c,
      <SchedulePage
        page={pageContext(c)}
        club={clubHeading(db, access)}
        currentReadingId={currentReading(db, access.club.id)?.id ?? null}
        reading={{ id: reading.id, title: edition.title, language: edition.language }}
        rows={rows}
        timeZone={timeZone}
        values={shown}
        errors={errorKeys(errors)}
        saved={c.req.query('saved') === '1' && status === 200}
      />,
      status,
    );
  }

  app.get('/clubs/:id/readings/:readingId/schedule', (c) => {
    const access = accessOr404(c);
    const reading = readingOr404(access, c.req.param('readingId'));
    if (!clubCan(access, 'setSchedule')) return refuse(c, access);
    return renderSchedule(c, access, reading, {}, {});
  });

  app.post('/clubs/:id/readings/:readingId/schedule', async (c) => {
    const access = accessOr404(c);
    const reading = readingOr404(access, c.req.param('readingId'));
    if (!clubCan(access, 'setSchedule')) return refuse(c, access);
    const form = await readForm(c);
    const parsed = validateForm(scheduleSchema, form);
    if (!parsed.ok) return renderSchedule(c, access, reading, form, parsed.errors, 422);
    const chapters = listChapters(db, reading.editionId);
    const { fromOrdinal, toOrdinal } = parsed.data;
    if (fromOrdinal > chapters.length) return renderSchedule(c, access, reading, form, { fromOrdinal: 'clubs.error.schedule_chapter' }, 422);
    if (toOrdinal > chapters.length) return renderSchedule(c, access, reading, form, { toOrdinal: 'clubs.error.schedule_chapter' }, 422);
    if (fromOrdinal > toOrdinal) return renderSchedule(c, access, reading, form, { toOrdinal: 'clubs.error.schedule_order' }, 422);
    const byOrdinal = new Map(chapters.map((chapter) => [chapter.ordinal, chapter.id]));
    if (parsed.data.action === 'clear') {
      const entries = chapters.filter((chapter) => chapter.ordinal >= fromOrdinal && chapter.ordinal <= toOrdinal).map((chapter) => ({ chapterId: chapter.id, opensAt: null }));
      writeSchedule(deps, reading.id, entries);
    } else {
      const plan = planOpenings({ fromOrdinal, toOrdinal, startsAt: parsed.data.opensAt, everyDays: parsed.data.everyDays, timeZone: dates(c).timeZone });
      if (!plan) return renderSchedule(c, access, reading, form, { opensAt: 'clubs.error.schedule_date' }, 422);
      writeSchedule(
        deps,
        reading.id,
        plan.map((entry) => ({ chapterId: byOrdinal.get(entry.ordinal)!, opensAt: entry.opensAt })),
      );
    }
    return seeOther(c, `/clubs/${access.club.id}/readings/${reading.id}/schedule?saved=1`);
  });

  // ------------------------------------------------------------ chapter pages

  /**
   * A chapter page. Signed-in readers get it through the personal page cache (after the access
   * checks above have passed); visitors and htmx requests are rendered every time.
   */
  function sendChapter(c: Ctx, access: ClubAccess, reading: Reading, ordinalParam: string | undefined) {
    const user = c.get('user');
    if (!user || isHtmx(c)) return sendHtml(c, renderChapter(c, access, reading, ordinalParam));
    return sendPersonalPage(c, deps.pageCache!, { userId: user.id, clubId: access.club.id }, clock(), async () => renderChapter(c, access, reading, ordinalParam));
  }

  function renderChapter(c: Ctx, access: ClubAccess, reading: Reading, ordinalParam: string | undefined): string {
    const user = c.get('user');
    const t = c.get('t');
    const now = clock();
    const { format, timeZone } = dates(c);
    const edition = getEdition(db, reading.editionId)!;
    const chapter = getChapterByOrdinal(db, edition.id, idParam(ordinalParam));
    if (!chapter) throw notFound();
    const opensAt = chapterOpensAt(db, reading.id, chapter.id);
    const open = chapterOpenTo(access, opensAt, now);
    const closedToMembers = opensAt !== null && opensAt > now;
    const paragraphs = open ? listParagraphs(db, chapter.id) : [];
    const progress = access.isMember ? progressOf(db, reading.id, access.userId) : 0;
    const basePath = chapterBasePath(access.club.id, reading);
    const hookContext: ClubChapterContext = {
      deps,
      access,
      viewer: user,
      reading,
      chapter,
      paragraphs,
      progress,
      chapterBasePath: basePath,
      t,
      locale: c.get('locale'),
      timeZone,
      now,
    };
    const annotations = open ? chapterAnnotations(hookContext) : { decorate: () => undefined, afterText: null, scripts: [] };
    const polls = open ? chapterPolls(hookContext) : null;
    const neighbour = (ordinal: number) => {
      const other = getChapterByOrdinal(db, edition.id, ordinal);
      return other ? { href: `${basePath}/${other.ordinal}`, title: chapterLabel(t, other) } : null;
    };
    const progressView: ChapterProgressView | null = clubCan(access, 'recordProgress')
      ? chapterProgressFor({ deps, access, reading, edition, chapter, paragraphs, progress, preview: closedToMembers, t })
      : null;
    const scripts = [...(open && progressView ? ['progress.js', 'reader.js', 'paragraph-actions.js'] : []), ...annotations.scripts];
    return renderDocument(
      <ClubChapterPage
        page={pageContext(c)}
        view={{
          club: clubHeading(db, access),
          isModerator: access.isModerator,
          currentReadingId: currentReading(db, access.club.id)?.id ?? null,
          reading: { id: reading.id, title: edition.title, language: edition.language, href: `/clubs/${access.club.id}/readings/${reading.id}` },
          chapter: { ordinal: chapter.ordinal, title: chapterLabel(t, chapter) },
          open,
          opensAtText: opensAt === null ? null : format(opensAt),
          moderatorPreview: open && closedToMembers,
          paragraphs,
          annotationDecorate: annotations.decorate,
          afterText: annotations.afterText,
          polls,
          progress: progressView,
          prev: neighbour(chapter.ordinal - 1),
          next: neighbour(chapter.ordinal + 1),
          scripts,
        }}
      />,
    );
  }

  app.get('/clubs/:id/chapters/:ordinal', (c) => {
    const access = accessOr404(c);
    const reading = currentReading(db, access.club.id);
    if (!reading) throw notFound();
    return sendChapter(c, access, reading, c.req.param('ordinal'));
  });

  app.get('/clubs/:id/readings/:readingId/chapters/:ordinal', (c) => {
    const access = accessOr404(c);
    const reading = readingOr404(access, c.req.param('readingId'));
    return sendChapter(c, access, reading, c.req.param('ordinal'));
  });

  // ------------------------------------------------------------ reading progress

  function messagePage(c: Ctx, key: MessageKey, back: string, status: 409 | 422 = 422) {
    const t = c.get('t');
    if (isHtmx(c)) return sendFragment(c, <p class="flash flash-error" role="alert">{t(key)}</p>, status);
    return sendPage(c, <ClubMessagePage page={pageContext(c)} title={t('clubs.error.title')} message={t(key)} back={back} />, status);
  }

  app.post('/clubs/:id/readings/:readingId/progress', async (c) => {
    const access = accessOr404(c);
    const reading = readingOr404(access, c.req.param('readingId'));
    if (!clubCan(access, 'recordProgress')) return refuse(c, access);
    const form = await readForm(c);
    const back = `/clubs/${access.club.id}/readings/${reading.id}`;
    const parsed = validateForm(progressSchema, form);
    if (!parsed.ok) return messagePage(c, 'clubs.error.position', back);
    const edition = getEdition(db, reading.editionId)!;
    const chapter = chapterAtPosition(db, edition.id, parsed.data.position);
    if (!chapter) return messagePage(c, 'clubs.error.position', back);
    const now = clock();
    const opensAt = chapterOpensAt(db, reading.id, chapter.id);
    if (!clubCan(access, 'readChapter', { opensAt, now })) return messagePage(c, 'clubs.error.position_closed', back);
    // An automatic report moves progress only as far as the shared rule allows (reading-progress.ts).
    const verdict = judgeReportFor(deps, { reading, edition, chapter, userId: access.userId!, mode: parsed.data.mode, position: parsed.data.position, preview: opensAt !== null && opensAt > now, form });
    if (!verdict.ok) return messagePage(c, verdict.reason === 'preview' ? 'clubs.error.progress_preview' : 'clubs.error.progress_skip', back, 409);
    const stored = recordProgress(db, reading.id, access.userId!, verdict.position, verdict.mode, now);
    if (isHtmx(c)) {
      const shown = getChapterByOrdinal(db, edition.id, idParam(form.chapter)) ?? chapter;
      const shownOpensAt = chapterOpensAt(db, reading.id, shown.id);
      return sendFragment(
        c,
        <ProgressBox
          page={pageContext(c)}
          progress={chapterProgressFor({ deps, access, reading, edition, chapter: shown, paragraphs: [], progress: stored, preview: shownOpensAt !== null && shownOpensAt > now, t: c.get('t') })}
        />,
      );
    }
    const paragraphOrdinal = parsed.data.position - chapter.firstPosition + 1;
    return seeOther(c, `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}#p-${paragraphOrdinal}`);
  });

  return app;
}
