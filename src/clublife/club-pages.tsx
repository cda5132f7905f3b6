/**
 * What club life contributes to club pages: the chapter's discussion questions after its text
 * (answers through the spoiler gate, `./present`), and a card on the club home with the next
 * meeting and links to the next book, meetings and the shelf.
 */
import { ClubLifeCard } from '../../views/clublife/home';
import { QuestionsSection } from '../../views/clublife/questions';
import type { ChapterSlots, ClubChapterContext, ClubHomeContext, ClubHomeSlots } from '../clubs';
import { formatDateTime, viewerTimeZone } from '../i18n/zoned-time';
import { formatDay } from './rules';
import { clubLifeCan } from './policy';
import { pickPhase, questionsView } from './present';
import { clubMeetings, latestPick } from './queries';
import type { LifeUi } from './types';

function uiOf(context: { t: LifeUi['t']; locale: LifeUi['locale']; timeZone: string | null }): LifeUi {
  const timeZone = viewerTimeZone(context.timeZone);
  return { t: context.t, locale: context.locale, timeZone, when: (ms) => formatDateTime(ms, context.locale, timeZone), day: (ms) => formatDay(ms, context.locale, timeZone) };
}

export async function clubLifeOnChapter(context: ClubChapterContext): Promise<ChapterSlots> {
  const { deps, access, reading, chapter, now } = context;
  if (!access.isMember) return {};
  const questions = await questionsView(deps.db, access, reading, chapter, now);
  const mayAdd = reading.endedAt === null && clubLifeCan(access, 'addQuestion', { clubId: access.club.id, chapterOpensAt: null, now });
  if (questions.length === 0 && !mayAdd) return {};
  const next = `${context.chapterBasePath}/${chapter.ordinal}`;
  const addAction = mayAdd ? `/clubs/${access.club.id}/readings/${reading.id}/chapters/${chapter.id}/questions` : null;
  return { afterText: <QuestionsSection ui={uiOf(context)} clubId={access.club.id} questions={questions} addAction={addAction} next={next} /> };
}

export async function clubLifeOnClubHome(context: ClubHomeContext): Promise<ClubHomeSlots> {
  const { deps, access, now } = context;
  if (!clubLifeCan(access, 'view')) return {};
  const next = (await clubMeetings(deps.db, access.club.id))
    .filter((m) => m.cancelledAt === null && m.startsAt !== null && m.startsAt >= now)
    .sort((a, b) => a.startsAt! - b.startsAt!)[0];
  const pick = await latestPick(deps.db, access.club.id);
  return {
    panels: (
      <ClubLifeCard
        ui={uiOf(context)}
        clubId={access.club.id}
        nextMeeting={next ? { title: next.title, startsAt: next.startsAt!, href: `/clubs/${access.club.id}/meetings/${next.id}` } : null}
        pick={pick && pick.adoptedReadingId === null ? { phase: pickPhase(pick, now), endsAt: pick.votingEndsAt } : null}
      />
    ),
  };
}
