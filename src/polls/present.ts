/**
 * Presenting polls: turns stored polls into what a reader may see of them. This is where the
 * three deciding functions meet: `pollRefusal` / `pollCan` (./policy) for actions, `pollResultsVisibleTo`
 * (./visibility) for results, and the tallies (./tally). Every output — the poll page, the
 * htmx card, the club pages' hooks and the CSV — goes through {@link pollCard}, so none of
 * them can show results the visibility rule did not allow: results are not even counted
 * unless it did.
 */
import type { Chapter, Poll } from '../../db/schema';
import type { Db } from '../../db/connection';
import { chapterName, getChapterById, type ChapterKind } from '../books';
import { chapterBasePath, chapterOpensAt, getReading, progressOf, type ClubAccess } from '../clubs';
import type { Translator } from '../i18n';
import { pollCan, pollRefusal, type PollAction, type PollFacts } from './policy';
import { ballotOf, ballotsOf, listChapterPolls, optionsOf, type PollOption, type StoredBallot } from './queries';
import { instantRunoff, tallyCounts } from './tally';
import type { PollCardView, PollResultsView } from './types';
import { pollHasOpened, pollIsClosed, pollResultsVisibleTo, type PollState, type PollViewer } from './visibility';

export const pollPath = (clubId: number, pollId: number) => `/clubs/${clubId}/polls/${pollId}`;

/** How a chapter is named next to a poll: as everywhere else, by the book's own title. */
export function chapterLabel(t: Translator, chapter: { title: string; kind: ChapterKind }): string {
  return chapterName(t, chapter);
}

/** Everything about one poll and one reader that decisions need. */
export interface PollSituation {
  poll: Poll;
  chapter: Chapter | undefined;
  /** The reader's ballot in rank order (members only), or null. */
  myChoices: number[] | null;
  facts: PollFacts;
}

/** Loads the facts about `poll` for the reader of `access` at `now`. */
export async function pollSituation(db: Db, access: ClubAccess, poll: Poll, now: number): Promise<PollSituation> {
  const [chapter, opensAt, myChoices, progress] = await Promise.all([
    poll.chapterId !== null ? getChapterById(db, poll.chapterId) : undefined,
    poll.readingId !== null && poll.chapterId !== null ? chapterOpensAt(db, poll.readingId, poll.chapterId) : null,
    access.isMember ? ballotOf(db, poll.id, access.userId) : null,
    access.isMember && poll.readingId !== null ? progressOf(db, poll.readingId, access.userId) : 0,
  ]);

  const state: PollState = {
    resultsVisibility: poll.resultsVisibility,
    opensAt: poll.opensAt,
    closesAt: poll.closesAt,
    closedAt: poll.closedAt,
    chapterLastPosition: chapter?.lastPosition ?? null,
  };
  const viewer: PollViewer = {
    isMember: access.isMember,
    canSeeClub: access.canSee,
    isModerator: access.isModerator,
    hasVoted: myChoices !== null,
    progressPosition: progress,
  };
  return {
    poll,
    chapter,
    myChoices,
    facts: {
      clubId: poll.clubId,
      chapterOpensAt: opensAt,
      onChapter: poll.chapterId !== null,
      hasOpened: pollHasOpened(poll, now),
      isClosed: pollIsClosed(poll, now),
      resultsVisible: pollResultsVisibleTo(state, viewer, now),
      now,
    },
  };
}

/** Counts, the runoff and (public polls) the voters, with option labels filled in. */
export async function pollResults(db: Db, poll: Poll, options: readonly PollOption[]): Promise<PollResultsView> {
  const stored = await ballotsOf(db, poll.id);
  const optionIds = options.map((o) => o.id);
  const label = new Map(options.map((o) => [o.id, o.label]));
  const ballots = stored.map((b) => ({ voterId: b.userId, choices: b.choices }));
  const nameOf = (id: number) => label.get(id) ?? '';

  if (poll.kind === 'ranked') {
    const runoff = instantRunoff(optionIds, ballots);
    const first = runoff.rounds[0];
    const firstTotal = first ? first.active + first.exhausted : 0;
    const percentOf = (votes: number, whole: number) => (whole === 0 ? 0 : Math.round((votes / whole) * 1000) / 10);
    return {
      ballots: firstTotal,
      counts: (first?.tallies ?? optionIds.map((optionId) => ({ optionId, votes: 0 }))).map((t) => ({
        optionId: t.optionId,
        label: nameOf(t.optionId),
        votes: t.votes,
        percent: percentOf(t.votes, first?.active ?? 0),
      })),
      runoff: {
        rounds: runoff.rounds.map((round) => ({
          round: round.round,
          tallies: round.tallies.map((t) => ({ optionId: t.optionId, label: nameOf(t.optionId), votes: t.votes, percent: percentOf(t.votes, round.active) })),
          active: round.active,
          exhausted: round.exhausted,
          eliminated: round.eliminated.map(nameOf),
          winner: round.winner === null ? null : nameOf(round.winner),
        })),
        winners: runoff.winners.map(nameOf),
        exhausted: runoff.exhausted,
      },
      voters: publicVoters(poll, stored, nameOf),
    };
  }

  const counts = tallyCounts(optionIds, ballots);
  return {
    ballots: counts.ballots,
    counts: counts.options.map((o) => ({ optionId: o.optionId, label: nameOf(o.optionId), votes: o.votes, percent: o.percent })),
    runoff: null,
    voters: publicVoters(poll, stored, nameOf),
  };
}

function publicVoters(poll: Poll, stored: readonly StoredBallot[], nameOf: (id: number) => string): PollResultsView['voters'] {
  if (poll.voters !== 'public') return null;
  return stored
    .map((b) => ({ name: b.displayName, choices: b.choices.map(nameOf).filter((l) => l !== '') }))
    .filter((b) => b.choices.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The reader's view of one poll: the card the page, the fragment, the hooks and the CSV share. */
export async function pollCard(db: Db, access: ClubAccess, situation: PollSituation, options: readonly PollOption[], next: string): Promise<PollCardView> {
  const { poll, chapter, facts, myChoices } = situation;
  const can = (action: PollAction) => pollCan(access, action, facts);
  const status = !facts.hasOpened ? 'scheduled' : facts.isClosed ? 'closed' : 'open';
  const voteRefusal = pollRefusal(access, 'vote', facts);
  const reading = chapter && poll.readingId !== null ? await getReading(db, poll.clubId, poll.readingId) : undefined;
  const results = facts.resultsVisible ? await pollResults(db, poll, options) : null;
  let voteHint: PollCardView['voteHint'] = null;
  if (status === 'open' && voteRefusal !== null) {
    if (voteRefusal === 'sign_in') voteHint = 'polls.hint.sign_in';
    else if (voteRefusal === 'forbidden') voteHint = 'polls.hint.members_only';
  }
  return {
    id: poll.id,
    clubId: poll.clubId,
    question: poll.question,
    kind: poll.kind,
    minChoices: poll.minChoices,
    maxChoices: poll.maxChoices,
    voters: poll.voters,
    resultsVisibility: poll.resultsVisibility,
    status,
    closedByHand: poll.closedAt !== null,
    closedAt: poll.closedAt,
    opensAt: poll.opensAt,
    closesAt: poll.closesAt,
    chapter: chapter
      ? {
          ordinal: chapter.ordinal,
          title: chapter.title,
          kind: chapter.kind,
          href: reading ? `${chapterBasePath(poll.clubId, reading)}/${chapter.ordinal}` : null,
        }
      : null,
    options: options.map((o) => ({ id: o.id, label: o.label })),
    myChoices,
    results,
    can: {
      vote: voteRefusal === null,
      withdraw: can('withdraw') && myChoices !== null,
      edit: can('edit'),
      close: can('close') && status !== 'closed',
      reopen: can('reopen') && status === 'closed',
      delete: can('delete'),
      export: can('export'),
    },
    voteHint,
    next,
  };
}

/**
 * The cards of a chapter's polls this reader may see (the chapter page's panel, and the club's
 * annotated edition): results only where `pollResultsVisibleTo` allows them.
 */
export async function chapterPollCards(db: Db, access: ClubAccess, readingId: number, chapterId: number, now: number, next: string): Promise<PollCardView[]> {
  const polls = await listChapterPolls(db, readingId, chapterId);
  const options = await optionsOf(db, polls.map((p) => p.id));
  const cards: PollCardView[] = [];
  for (const poll of polls) {
    const situation = await pollSituation(db, access, poll, now);
    if (pollCan(access, 'view', situation.facts)) cards.push(await pollCard(db, access, situation, options.get(poll.id) ?? [], next));
  }
  return cards;
}
