/**
 * Discussion questions at the end of a chapter.
 *
 *   POST /clubs/:clubId/readings/:readingId/chapters/:chapterId/questions   a moderator adds a question
 *   POST /clubs/:clubId/questions/:questionId/answers                       an answer, or (`parentId`) a reply to one
 *
 * Both go back to the chapter page (`next`, same-origin only), to the question.
 */
import { Hono } from 'hono';
import { getChapterById } from '../../books';
import { chapterBasePath, chapterOpensAt, getReading, type ClubAccess } from '../../clubs';
import { notFound } from '../../http/errors';
import { parseId, readForm, safeNextPath } from '../../http/forms';
import { pageContext, seeOther, sendPage } from '../../http/page';
import { TextAgainPage } from '../../../views/clublife/questions';
import type { AppEnv, AreaDeps } from '../../http/types';
import { clubLifeRefusal } from '../policy';
import { answerVisibleTo } from '../present';
import { answersOf, insertAnswer, insertQuestion, questionOfClub } from '../queries';
import { LIMITS, parseText } from '../validation';
import type { C, LifeKit } from './shared';

export function questionRoutes(deps: AreaDeps, kit: LifeKit): Hono<AppEnv> {
  const { db, clock, events } = deps;
  const app = new Hono<AppEnv>();

  /** The reading and chapter in question, of this club (anything else 404). */
  async function place(access: ClubAccess, readingId: number, chapterId: number) {
    const reading = await getReading(db, access.club.id, readingId);
    const chapter = await getChapterById(db, chapterId);
    if (!reading || !chapter || chapter.editionId !== reading.editionId) throw notFound();
    return { reading, chapter, back: `${chapterBasePath(access.club.id, reading)}/${chapter.ordinal}` };
  }

  app.post('/clubs/:clubId{[0-9]+}/readings/:readingId{[0-9]+}/chapters/:chapterId{[0-9]+}/questions', async (c) => {
    const access = await kit.access(c);
    const { reading, chapter, back } = await place(access, kit.idParam(c, 'readingId'), kit.idParam(c, 'chapterId'));
    const refusal = clubLifeRefusal(access, 'addQuestion', { clubId: reading.clubId, chapterOpensAt: await chapterOpensAt(db, reading.id, chapter.id), now: clock() });
    if (refusal) return kit.refuseWith(c, refusal, true);
    const form = await readForm(c);
    const body = parseText(form.body, LIMITS.question);
    if (!body.ok) {
      const t = c.get('t');
      return sendPage(
        c,
        <TextAgainPage page={await pageContext(c)} frame={await kit.frame(access)} title={t('clublife.questions.add')} question={null} action={c.req.path} hidden={{ next: String(form.next ?? back) }} text={String(form.body ?? '')} maxLength={LIMITS.question} error={body.key} submit={t('clublife.questions.submit')} back={back} />,
        422,
      );
    }
    await kit.posting(c);
    const question = await insertQuestion(db, { clubId: access.club.id, readingId: reading.id, chapterId: chapter.id, body: body.value }, access.userId!, clock());
    await events.publish({ type: 'question.added', actorId: access.userId, clubId: access.club.id, readingId: reading.id, chapterId: chapter.id, questionId: question.id, anchorPosition: chapter.lastPosition });
    return seeOther(c, `${safeNextPath(form.next, back).split('#')[0]}#question-${question.id}`);
  });

  app.post('/clubs/:clubId{[0-9]+}/questions/:questionId{[0-9]+}/answers', async (c) => {
    const access = await kit.access(c);
    const question = await questionOfClub(db, access.club.id, kit.idParam(c, 'questionId'));
    if (!question) throw notFound();
    const { chapter, back } = await place(access, question.readingId, question.chapterId);
    const form = await readForm(c);
    const parentId = form.parentId ? parseId(form.parentId) : null;
    const target = { clubId: question.clubId, chapterOpensAt: await chapterOpensAt(db, question.readingId, question.chapterId), now: clock() };
    if (form.parentId && parentId === null) throw notFound();
    let refusal;
    if (parentId !== null) {
      const parent = (await answersOf(db, [question.id])).find((a) => a.id === parentId && a.parentId === null);
      // An answer the reader may not see is as absent as one that does not exist.
      refusal = clubLifeRefusal(access, 'reply', { ...target, answerVisible: parent !== undefined && (await answerVisibleTo(db, access, question, parent)) });
    } else {
      refusal = clubLifeRefusal(access, 'answer', target);
      if (!refusal && (await answersOf(db, [question.id])).some((a) => a.parentId === null && a.authorId === access.userId)) refusal = 'wrong_phase' as const;
    }
    if (refusal) return kit.refuseWith(c, refusal);
    const body = parseText(form.body, LIMITS.answer);
    if (!body.ok) {
      const t = c.get('t');
      const hidden: Record<string, string> = { next: String(form.next ?? back), ...(parentId !== null ? { parentId: String(parentId) } : {}) };
      return sendPage(
        c,
        <TextAgainPage page={await pageContext(c)} frame={await kit.frame(access)} title={parentId !== null ? t('clublife.questions.reply') : t('clublife.questions.answer')} question={question.body} action={c.req.path} hidden={hidden} text={String(form.body ?? '')} maxLength={LIMITS.answer} error={body.key} submit={t('clublife.questions.submit_answer')} back={back} />,
        422,
      );
    }
    await kit.posting(c);
    const id = await insertAnswer(db, { questionId: question.id, parentId, body: body.value }, access.userId!, clock());
    await events.publish({ type: 'question.answered', actorId: access.userId, clubId: access.club.id, readingId: question.readingId, chapterId: question.chapterId, questionId: question.id, answerId: id, parentId, anchorPosition: chapter.lastPosition });
    return seeOther(c, `${safeNextPath(form.next, back).split('#')[0]}#answer-${id}`);
  });

  return app;
}
