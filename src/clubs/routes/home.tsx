/**
 * The club home: the current book and where the club is in it, members, and what other areas
 * contribute (side panels, recent activity; see `../slots.ts`).
 *
 *   GET /clubs/:id
 */
import { ClubHomePage, type ClubHomeView, type MemberView } from '../../../views/clubs/home';
import { getEdition, listChapters } from '../../books';
import type { FieldErrors, FormData } from '../../http/forms';
import { pageContext, sendPage } from '../../http/page';
import type { MessageKey } from '../../i18n';
import { currentReading, progressOf, type ClubAccess } from '../access';
import { clubCan } from '../policy';
import { chapterLabel, chapterRows, clubHeading, continueLink } from '../present';
import { listInvitations, listMembers, listReadings, scheduleOf } from '../queries';
import { bookFraction, invitationState, percent, scheduleSummary } from '../reading';
import type { ClubHomeContext } from '../slots';
import { dates, errorKeys, type ClubRouteDeps, type Ctx } from './shared';

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

export type RenderHome = (c: Ctx, access: ClubAccess, transfer?: { values: FormData; errors: FieldErrors }, status?: 200 | 422) => Promise<Response>;

/** The club home, also re-shown with the transfer form's errors (members.tsx). */
export function clubHomeRenderer({ deps, pages }: ClubRouteDeps): RenderHome {
  const { db, clock } = deps;
  return async function renderHome(c, access, transfer = { values: {}, errors: {} }, status = 200) {
    const user = c.get('user');
    const t = c.get('t');
    const now = clock();
    const { format, timeZone } = dates(c);
    const club = access.club;
    const reading = await currentReading(db, club.id);
    const [edition, progress, allMembers] = await Promise.all([
      reading ? getEdition(db, reading.editionId) : undefined,
      reading && access.isMember ? progressOf(db, reading.id, access.userId) : 0,
      listMembers(db, club.id, reading?.id ?? null),
    ]);
    const me = allMembers.find((member) => member.userId === access.userId);

    let current: ClubHomeView['current'] = null;
    if (reading && edition) {
      const [chapters, schedule] = await Promise.all([listChapters(db, edition.id), scheduleOf(db, reading.id)]);
      const rows = chapterRows({ access, reading, chapters, schedule, progress, now, format, t: c.get('t') });
      const summary = scheduleSummary(
        chapters.map((chapter) => ({ ordinal: chapter.ordinal, title: chapterLabel(t, chapter), opensAt: schedule.get(chapter.id) ?? null })),
        now,
      );
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
        continueLink: continueLink({ access, reading, chapters, schedule, progress, now, t }),
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

    const invitations = clubCan(access, 'listInvites') ? await listInvitations(db, club.id) : null;
    const earlier = (await listReadings(db, club.id))
      .filter((row) => row.reading.endedAt !== null)
      .map((row) => ({ readingId: row.reading.id, title: row.title, startedAtText: format(row.reading.startedAt), endedAtText: format(row.reading.endedAt!) }));

    const context: ClubHomeContext = { deps, access, viewer: user, reading, progress, t, locale: c.get('locale'), timeZone, now };
    // Each contribution may read the database first: all are awaited before anything is rendered.
    const contributions = await Promise.all(pages.home.map((contribute) => contribute(context)));
    const noticeKey = HOME_NOTICES[c.req.query('done') ?? ''];
    const transferCandidates = allMembers.filter((member) => clubCan(access, 'transferOwnership', { target: { userId: member.userId, role: member.role } }));

    const view: ClubHomeView = {
      club: await clubHeading(db, access, allMembers.length),
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
      panels: contributions.map((slots) => slots.panels),
      recentActivity: contributions.map((slots) => slots.recentActivity).filter((item) => item !== undefined && item !== null),
      notice: noticeKey ? t(noticeKey) : null,
    };
    return sendPage(c, <ClubHomePage page={pageContext(c)} view={view} />, status);
  };
}
