/**
 * A chapter's polls as a meeting agenda shows them (src/clublife), decided per reader by the
 * same policy and results rule as every other output: a poll the reader may not view is only
 * counted, and its leading answer is named only when `pollResultsVisibleTo` allows it.
 */
import type { Db } from '../../db/connection';
import type { ClubAccess } from '../clubs';
import { pollCan } from './policy';
import { pollPath, pollResults, pollSituation } from './present';
import { listChapterPolls, optionsOf } from './queries';

export interface AgendaPoll {
  id: number;
  href: string;
  question: string;
  closed: boolean;
  /** The leading option(s) by the poll's own count, when the reader may see results; else null. */
  leading: string[] | null;
}

export async function chapterPollsForAgenda(db: Db, access: ClubAccess, readingId: number, chapterId: number, now: number): Promise<{ visible: AgendaPoll[]; hiddenCount: number }> {
  const visible: AgendaPoll[] = [];
  let hiddenCount = 0;
  const polls = await listChapterPolls(db, readingId, chapterId);
  const options = await optionsOf(db, polls.map((p) => p.id));
  for (const poll of polls) {
    const situation = await pollSituation(db, access, poll, now);
    if (!pollCan(access, 'view', situation.facts) || !situation.facts.hasOpened) {
      hiddenCount += 1;
      continue;
    }
    let leading: string[] | null = null;
    if (situation.facts.resultsVisible) {
      const results = await pollResults(db, poll, options.get(poll.id) ?? []);
      if (results.runoff) leading = results.runoff.winners;
      else {
        const most = Math.max(0, ...results.counts.map((r) => r.votes));
        leading = most === 0 ? [] : results.counts.filter((r) => r.votes === most).map((r) => r.label);
      }
    }
    visible.push({ id: poll.id, href: pollPath(poll.clubId, poll.id), question: poll.question, closed: situation.facts.isClosed, leading });
  }
  return { visible, hiddenCount };
}
