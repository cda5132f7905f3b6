/**
 * What the polls area adds to club pages. The clubs area calls these with everything it has
 * already loaded; they query the polls, ask the policy and the visibility rule (through
 * `./service`, like every other output), and return what to show.
 */
import type { Child } from 'hono/jsx';
import { ChapterPollsSection, OpenPollsSection } from '../../views/polls/pages';
import type { PollUi } from '../../views/polls/model';
import type { ClubChapterContext, ClubHomeContext } from '../clubs/hooks';
import { viewerTimeZone } from '../clubs/zoned-time';
import { pollCan } from './policy';
import { listChapterPolls, listClubPolls, optionsOf } from './queries';
import { pollCard, pollSituation } from './service';

function uiOf(context: { t: PollUi['t']; locale: string; timeZone: string | null }): PollUi {
  return { t: context.t, locale: context.locale, timeZone: viewerTimeZone(context.timeZone) };
}

/** The chapter's polls, shown on the chapter page once the chapter is open to the viewer. */
export function chapterPolls(context: ClubChapterContext): Child {
  const { deps, access, reading, chapter, now } = context;
  const next = `${context.chapterBasePath}/${chapter.ordinal}`;
  const polls = listChapterPolls(deps.db, reading.id, chapter.id);
  const options = optionsOf(deps.db, polls.map((p) => p.id));
  const cards = polls
    .map((poll) => pollSituation(deps.db, access, poll, now))
    .filter((situation) => pollCan(access, 'view', situation.facts))
    .map((situation) => pollCard(deps.db, access, situation, options.get(situation.poll.id) ?? [], next));
  const newPollHref = pollCan(access, 'create') && reading.endedAt === null ? `/clubs/${access.club.id}/polls/new?chapter=${chapter.id}` : null;
  return <ChapterPollsSection ui={uiOf(context)} polls={cards} newPollHref={newPollHref} />;
}

/** The club's open polls (club polls and chapter polls the viewer may see), on the club home. */
export function openPolls(context: ClubHomeContext): Child {
  const { deps, access, now } = context;
  const next = `/clubs/${access.club.id}`;
  const polls = listClubPolls(deps.db, access.club.id);
  const situations = polls
    .map((poll) => pollSituation(deps.db, access, poll, now))
    .filter((situation) => situation.facts.hasOpened && !situation.facts.isClosed && pollCan(access, 'view', situation.facts));
  const options = optionsOf(deps.db, situations.map((s) => s.poll.id));
  const cards = situations.map((situation) => pollCard(deps.db, access, situation, options.get(situation.poll.id) ?? [], next));
  // Nothing open and nothing to create: let the club home say "no polls" in its own words.
  if (cards.length === 0 && !pollCan(access, 'create') && polls.length === 0) return null;
  return <OpenPollsSection ui={uiOf(context)} clubId={access.club.id} polls={cards} canCreate={pollCan(access, 'create')} />;
}
