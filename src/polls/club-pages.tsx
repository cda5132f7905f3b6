/**
 * What the polls area contributes to club pages (the slots are `src/clubs/slots.ts`;
 * `src/app.tsx` registers these): the chapter's polls on its page, the open polls on the club
 * home. Each asks the policy and the visibility rule through `./present`, like every output.
 */
import { ChapterPollsSection, OpenPollsSection } from '../../views/polls/pages';
import type { ChapterSlots, ClubChapterContext, ClubHomeContext, ClubHomeSlots } from '../clubs';
import { viewerTimeZone } from '../i18n/zoned-time';
import { pollCan } from './policy';
import { chapterPollCards, pollCard, pollSituation, type PollSituation } from './present';
import { listClubPolls, optionsOf } from './queries';
import type { PollCardView, PollUi } from './types';

function uiOf(context: { t: PollUi['t']; locale: string; timeZone: string | null }): PollUi {
  return { t: context.t, locale: context.locale, timeZone: viewerTimeZone(context.timeZone) };
}

/** The chapter's polls, shown on the chapter page once the chapter is open to the viewer. */
export async function pollsOnChapter(context: ClubChapterContext): Promise<ChapterSlots> {
  const { deps, access, reading, chapter, now } = context;
  const next = `${context.chapterBasePath}/${chapter.ordinal}`;
  const cards = await chapterPollCards(deps.db, access, reading.id, chapter.id, now, next);
  const newPollHref = pollCan(access, 'create') && reading.endedAt === null ? `/clubs/${access.club.id}/polls/new?chapter=${chapter.id}` : null;
  // The wrapper's id lets the live stream redraw the section for each reader (src/live).
  return {
    panels: (
      <div id="chapter-polls">
        <ChapterPollsSection ui={uiOf(context)} polls={cards} newPollHref={newPollHref} />
      </div>
    ),
  };
}

/** The club's open polls (club polls and chapter polls the viewer may see), a card on the club home. */
export async function pollsOnClubHome(context: ClubHomeContext): Promise<ClubHomeSlots> {
  const { deps, access, now } = context;
  const next = `/clubs/${access.club.id}`;
  const polls = await listClubPolls(deps.db, access.club.id);
  const situations: PollSituation[] = [];
  for (const poll of polls) {
    const situation = await pollSituation(deps.db, access, poll, now);
    if (situation.facts.hasOpened && !situation.facts.isClosed && pollCan(access, 'view', situation.facts)) situations.push(situation);
  }
  const options = await optionsOf(deps.db, situations.map((s) => s.poll.id));
  const cards: PollCardView[] = [];
  for (const situation of situations) cards.push(await pollCard(deps.db, access, situation, options.get(situation.poll.id) ?? [], next));
  // Nothing open and nothing to create: the card just says there are no open polls.
  const empty = cards.length === 0 && !pollCan(access, 'create') && polls.length === 0;
  return { panels: <OpenPollsSection ui={uiOf(context)} clubId={access.club.id} polls={cards} canCreate={pollCan(access, 'create')} empty={empty} /> };
}
