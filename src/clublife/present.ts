/**
 * Turning club-life rows into what views draw, each decision asked of `./policy`, the spoiler
 * gate (annotations' `commentVisibleTo`) or the polls' results rule — never decided here.
 */
import type { Db } from '../../db/connection';
import type { BookPick, Chapter, Meeting, Reading } from '../../db/schema';
import { commentPlainText, commentVisibleTo, gateViewerFor, type GateComment, type GateViewer } from '../annotations';
import { getChapterById } from '../books';
import { chapterBasePath, chapterLabel, chapterOpensAt, getReading, type ClubAccess } from '../clubs';
import type { Translator } from '../i18n';
import { chapterPollsForAgenda, instantRunoff, tallyCounts } from '../polls';
import { clubLifeCan, type LifeTarget } from './policy';
import {
  answersOf,
  chapterQuestions,
  chapterThreadRoots,
  finishedReadings,
  marksOf,
  myPickBallot,
  nominationsOf,
  pickBallots,
  rsvpsOf,
  shelfMarksOf,
  slotsOf,
  type AnswerRow,
  type NominationRow,
} from './queries';
import { averageRating, booksPerYear, dateWinners, rsvpCounts, tallySlots } from './rules';
import type { AgendaView, MeetingSummary, MeetingView, NominationView, PickView, QuestionView, ShelfView } from './types';

// ---- the next book -------------------------------------------------------------------------

export function pickPhase(pick: Pick<BookPick, 'votingStartedAt' | 'votingEndsAt' | 'closedAt'>, now: number): 'nominating' | 'voting' | 'ended' {
  if (pick.votingStartedAt === null) return 'nominating';
  if (pick.closedAt !== null || (pick.votingEndsAt !== null && now >= pick.votingEndsAt)) return 'ended';
  return 'voting';
}

export function pickTarget(pick: BookPick, now: number): LifeTarget {
  return { clubId: pick.clubId, phase: pickPhase(pick, now), now };
}

const nominationView = (n: NominationRow): NominationView => ({ id: n.id, title: n.title, author: n.author, link: n.link, inLibrary: n.editionId !== null, backers: n.backers });

/** The winners of an ended vote (several when tied), with the rounds of a ranked count. */
export async function pickOutcome(db: Db, pick: BookPick, rows: readonly NominationRow[]) {
  const ids = rows.map((n) => n.id);
  const ballots = await pickBallots(db, pick.id);
  const titleOf = new Map(rows.map((n) => [n.id, n.title]));
  if (pick.method === 'approval') {
    const counts = tallyCounts(ids, ballots);
    const most = Math.max(0, ...counts.options.map((o) => o.votes));
    const winners = most === 0 ? [] : counts.options.filter((o) => o.votes === most).map((o) => o.optionId);
    return { ballots: counts.ballots, winners, rounds: [], approvals: counts.options.map((o) => ({ title: titleOf.get(o.optionId) ?? '', votes: o.votes })) };
  }
  const runoff = instantRunoff(ids, ballots);
  const rounds = runoff.rounds.map((r) => ({
    round: r.round,
    tallies: r.tallies.map((t) => ({ title: titleOf.get(t.optionId) ?? '', votes: t.votes })),
    eliminated: r.eliminated.map((id) => titleOf.get(id) ?? ''),
    winner: r.winner === null ? null : (titleOf.get(r.winner) ?? ''),
    exhausted: r.exhausted,
  }));
  return { ballots: ballots.length, winners: runoff.winners, rounds, approvals: null };
}

export async function pickView(db: Db, access: ClubAccess, pick: BookPick, now: number): Promise<PickView> {
  const target = pickTarget(pick, now);
  const rows = await nominationsOf(db, pick.id);
  const phase = target.phase!;
  const outcome = phase === 'ended' ? await pickOutcome(db, pick, rows) : null;
  const myBallot = access.userId !== null ? await myPickBallot(db, pick.id, access.userId) : [];
  const ballots = outcome?.ballots ?? (await pickBallots(db, pick.id)).length;
  const winners = outcome ? rows.filter((n) => outcome.winners.includes(n.id)) : [];
  const single = winners.length === 1 ? winners[0]! : null;
  return {
    id: pick.id,
    clubId: pick.clubId,
    phase,
    method: pick.method,
    votingEndsAt: pick.votingEndsAt,
    nominations: rows.map(nominationView),
    canNominate: clubLifeCan(access, 'nominate', target),
    canStartVote: clubLifeCan(access, 'startVote', target) && rows.length >= 2,
    canVote: clubLifeCan(access, 'vote', target),
    canClose: clubLifeCan(access, 'closeVote', target),
    canAdopt: clubLifeCan(access, 'adoptWinner', target) && single !== null && pick.adoptedReadingId === null,
    myBallot,
    ballots,
    results: outcome ? { winners: winners.map(nominationView), rounds: outcome.rounds, approvals: outcome.approvals } : null,
    adopted: pick.adoptedReadingId !== null,
    uploadHref: single && single.editionId === null && clubLifeCan(access, 'adoptWinner', target) ? `/library/upload?club=${pick.clubId}` : null,
  };
}

// ---- the spoiler gate, for things at a chapter's end ---------------------------------------

/** Something anchored at the end of `chapter` (a question, an answer), as the gate sees it. */
function atChapterEnd(chapter: Pick<Chapter, 'id' | 'lastPosition'>, authorId: number): GateComment {
  return { authorId, anchorPosition: chapter.lastPosition, visibility: 'club', chapterId: chapter.id };
}

/** Has the viewer reached the chapter's end, for the gate (or revealed the chapter)? Authorship left out on purpose. */
function reachedEnd(chapter: Pick<Chapter, 'id' | 'lastPosition'>, viewer: GateViewer): boolean {
  return commentVisibleTo(atChapterEnd(chapter, -1), viewer);
}

// ---- discussion questions ------------------------------------------------------------------

/**
 * The chapter's questions for one reader. An answer is shown when the gate lets the reader
 * see something at the chapter's end (its author always sees it) AND the reader has answered
 * that question themselves — moderators, who asked, see answers without answering, but still
 * only past the gate. Replies (one level) follow the answer they reply to.
 */
export async function questionsView(db: Db, access: ClubAccess, reading: Reading, chapter: Chapter, now: number): Promise<QuestionView[]> {
  const questions = await chapterQuestions(db, reading.id, chapter.id);
  if (questions.length === 0) return [];
  const viewer = await gateViewerFor(db, access, reading.id);
  const answers = await answersOf(db, questions.map((q) => q.id));
  const opensAt = await chapterOpensAt(db, reading.id, chapter.id);
  const reached = reachedEnd(chapter, viewer);
  return questions.map((q) => {
    const mine = answers.filter((a) => a.questionId === q.id);
    const top = mine.filter((a) => a.parentId === null);
    const answered = access.userId !== null && top.some((a) => a.authorId === access.userId);
    const visible = (a: AnswerRow) => a.authorId === access.userId || (commentVisibleTo(atChapterEnd(chapter, a.authorId), viewer) && (answered || access.isModerator));
    const shown = top.filter(visible);
    const target: LifeTarget = { clubId: q.clubId, chapterOpensAt: opensAt, now };
    return {
      id: q.id,
      body: q.body,
      state: !reached ? 'locked' : answered || access.isModerator ? 'open' : 'answer_first',
      answered,
      canAnswer: !answered && clubLifeCan(access, 'answer', target),
      hiddenAnswers: top.length - shown.length,
      answers: shown.map((a) => ({
        id: a.id,
        authorName: a.authorName,
        body: a.body,
        mine: a.authorId === access.userId,
        replies: mine.filter((r) => r.parentId === a.id).map((r) => ({ id: r.id, authorName: r.authorName, body: r.body })),
        canReply: clubLifeCan(access, 'reply', { ...target, answerVisible: true }),
      })),
    };
  });
}

/** Whether the reader may see the answer `answerId` of `question` (for a reply): the same rule as {@link questionsView}. */
export async function answerVisibleTo(db: Db, access: ClubAccess, question: { id: number; readingId: number; chapterId: number }, answer: AnswerRow): Promise<boolean> {
  const chapter = await getChapterById(db, question.chapterId);
  if (!chapter) return false;
  if (answer.authorId === access.userId) return true;
  const viewer = await gateViewerFor(db, access, question.readingId);
  const answered = (await answersOf(db, [question.id])).some((a) => a.parentId === null && a.authorId === access.userId);
  return commentVisibleTo(atChapterEnd(chapter, answer.authorId), viewer) && (answered || access.isModerator);
}

// ---- the agenda ----------------------------------------------------------------------------

const EXCERPT = 140;
const BUSIEST = 5;

/**
 * A meeting's agenda for one reader: the chapter's busiest threads, its polls and the
 * moderator's questions. Threads pass the spoiler gate one by one (the rest are counted);
 * polls are the polls area's own view (policy + results rule); questions sit at the chapter's
 * end, so a reader who has not reached it sees how many there are, not what they ask.
 */
export async function agendaView(db: Db, access: ClubAccess, t: Translator, meeting: Pick<Meeting, 'readingId' | 'chapterId'>, now: number): Promise<AgendaView | null> {
  if (meeting.readingId === null || meeting.chapterId === null) return null;
  const reading = await getReading(db, access.club.id, meeting.readingId);
  const chapter = await getChapterById(db, meeting.chapterId);
  if (!reading || !chapter || chapter.editionId !== reading.editionId) return null;
  const viewer = await gateViewerFor(db, access, reading.id);
  const roots = await chapterThreadRoots(db, reading.id, chapter.id);
  const visibleRoots = roots.filter((r) => commentVisibleTo(r, viewer));
  const polls = await chapterPollsForAgenda(db, access, reading.id, chapter.id, now);
  const questions = await chapterQuestions(db, reading.id, chapter.id);
  const reached = reachedEnd(chapter, viewer);
  const answers = await answersOf(db, questions.map((q) => q.id));
  const base = `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}`;
  return {
    chapterLabel: chapterLabel(t, chapter),
    chapterHref: base,
    reached,
    threads: visibleRoots.slice(0, BUSIEST).map((r) => ({ href: `${base}#c-${r.id}`, excerpt: commentPlainText(r.body, EXCERPT), replies: r.replies })),
    hiddenThreads: roots.length - visibleRoots.length,
    polls: polls.visible,
    hiddenPolls: polls.hiddenCount,
    questions: reached ? questions.map((q) => ({ body: q.body, answers: answers.filter((a) => a.questionId === q.id && a.parentId === null).length })) : [],
    hiddenQuestions: reached ? 0 : questions.length,
  };
}

// ---- meetings ------------------------------------------------------------------------------

/** A meeting as the policy sees it. */
export function meetingTarget(meeting: Meeting, now: number): LifeTarget {
  return { clubId: meeting.clubId, timeDecided: meeting.startsAt !== null, startsAt: meeting.startsAt, cancelled: meeting.cancelledAt !== null, now };
}

/** A meeting in a list. */
export function meetingSummary(meeting: Meeting): MeetingSummary {
  return { id: meeting.id, title: meeting.title, startsAt: meeting.startsAt, place: meeting.place, href: `/clubs/${meeting.clubId}/meetings/${meeting.id}`, cancelled: meeting.cancelledAt !== null };
}

export async function meetingView(db: Db, access: ClubAccess, t: Translator, meeting: Meeting, now: number): Promise<MeetingView> {
  const slots = await slotsOf(db, meeting.id);
  const marks = await marksOf(db, slots.map((s) => s.id));
  const tallies = tallySlots(slots, marks);
  const winners = new Set(dateWinners(tallies).map((w) => w.slotId));
  const rsvps = await rsvpsOf(db, meeting.id);
  const agenda = await agendaView(db, access, t, meeting, now);
  const target = meetingTarget(meeting, now);
  const href = `/clubs/${meeting.clubId}/meetings/${meeting.id}`;
  return {
    id: meeting.id,
    clubId: meeting.clubId,
    title: meeting.title,
    startsAt: meeting.startsAt,
    place: meeting.place,
    href,
    callLink: meeting.callLink,
    durationMinutes: meeting.durationMinutes,
    slots: tallies.map((s) => ({ id: s.slotId, startsAt: s.startsAt, yes: s.yes, maybe: s.maybe, no: s.no, mine: marks.find((m) => m.slotId === s.slotId && m.userId === access.userId)?.mark ?? null, winner: winners.has(s.slotId) })),
    tie: winners.size > 1,
    rsvp: rsvpCounts(rsvps),
    going: rsvps.filter((r) => r.answer === 'going').map((r) => r.name),
    myRsvp: rsvps.find((r) => r.userId === access.userId)?.answer ?? null,
    canMark: clubLifeCan(access, 'markSlot', target),
    canDecide: clubLifeCan(access, 'decideTime', target),
    canRsvp: clubLifeCan(access, 'rsvp', target),
    cancelled: meeting.cancelledAt !== null,
    cancellation: meeting.cancelledAt !== null ? { at: meeting.cancelledAt, reason: meeting.cancelReason ?? '' } : null,
    canEdit: clubLifeCan(access, 'editMeeting', target),
    canCancel: clubLifeCan(access, 'cancelMeeting', target),
    canRestore: clubLifeCan(access, 'restoreMeeting', target),
    icsHref: meeting.startsAt !== null ? `${href}/meeting.ics` : null,
    agenda,
  };
}

// ---- the shelf -----------------------------------------------------------------------------

/**
 * Finished readings with each member's own mark. Names (and so "who finished what") are shown
 * only for members who have not hidden their reading progress (the clubs area's
 * `progressHidden`, the same preference); the reader's own mark is always theirs to see.
 * Counts and averages include everyone.
 */
export async function shelfView(db: Db, access: ClubAccess, timeZone: string, now: number): Promise<ShelfView> {
  const readings = await finishedReadings(db, access.club.id);
  const marks = await shelfMarksOf(db, access.club.id, readings.map((r) => r.id));
  const entries = readings.map((r) => {
    const own = marks.filter((m) => m.readingId === r.id);
    const shown = own.filter((m) => m.userId === access.userId || m.progressHidden === false);
    const mine = own.find((m) => m.userId === access.userId);
    return {
      readingId: r.id,
      title: r.title,
      author: r.author,
      startedAt: r.startedAt,
      endedAt: r.endedAt!,
      finishedCount: own.filter((m) => m.mark === 'all').length,
      average: averageRating(own.map((m) => m.rating)),
      marks: shown.map((m) => ({ name: m.name, mark: m.mark, rating: m.rating, line: m.line })),
      hiddenMarks: own.length - shown.length,
      mine: mine ? { mark: mine.mark, rating: mine.rating, line: mine.line } : null,
      canMark: clubLifeCan(access, 'markShelf', { clubId: access.club.id, readingEnded: true, now }),
    };
  });
  return { entries, perYear: booksPerYear(readings.map((r) => r.endedAt!), timeZone), average: averageRating(marks.map((m) => m.rating)) };
}
