/**
 * The JSON API's shapes, as zod schemas: the handlers validate requests with them (through
 * `@hono/zod-openapi`) and the same objects write `/api/v1/openapi.json`, so the document
 * cannot drift from what the handlers accept and answer. Limits are the areas' own.
 */
import { z } from '@hono/zod-openapi';
import { REACTIONS } from '../../db/schema';
import { COMMENT_MAX_CHARS, MAX_PASSAGE_CHARS } from '../annotations';
import { OPTIONS_MAX } from '../polls';

/** A positive id in a path: anything else is a 404, like the pages' `parseId`. */
const pathId = (name: string) =>
  z
    .string()
    .regex(/^[0-9]{1,15}$/)
    .openapi({ param: { name, in: 'path' }, example: '1' });

export const ClubParams = z.object({ clubId: pathId('clubId') });
export const ReadingParams = z.object({ clubId: pathId('clubId'), readingId: pathId('readingId') });
export const ChapterParams = z.object({ clubId: pathId('clubId'), readingId: pathId('readingId'), chapterId: pathId('chapterId') });
export const CommentParams = z.object({ clubId: pathId('clubId'), commentId: pathId('commentId') });
export const PollParams = z.object({ clubId: pathId('clubId'), pollId: pathId('pollId') });

const time = z.number().int().openapi({ description: 'Milliseconds since the epoch' });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details (application/problem+json)' });

export const Me = z
  .object({
    user: z.object({ id: z.number().int(), username: z.string(), displayName: z.string() }),
    token: z.object({ id: z.number().int(), name: z.string(), scope: z.enum(['read', 'read write']), expiresAt: time.nullable() }),
  })
  .openapi('Me');

export const Club = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    visibility: z.enum(['public', 'private']),
    role: z.enum(['owner', 'moderator', 'member']),
    currentReading: z.object({ id: z.number().int(), title: z.string(), position: z.number().int(), bookPercent: z.number() }).nullable(),
  })
  .openapi('Club');

export const ClubList = z.object({ clubs: z.array(Club) }).openapi('ClubList');

const ChapterSummary = z
  .object({
    id: z.number().int(),
    ordinal: z.number().int(),
    title: z.string(),
    kind: z.string(),
    firstPosition: z.number().int(),
    lastPosition: z.number().int(),
    open: z.boolean().openapi({ description: 'Whether the club’s schedule opens this chapter to you now' }),
    opensAt: time.nullable(),
  })
  .openapi('ChapterSummary');

export const Reading = z
  .object({
    id: z.number().int(),
    clubId: z.number().int(),
    current: z.boolean(),
    book: z.object({ editionId: z.number().int(), title: z.string(), author: z.string().nullable(), language: z.string(), direction: z.string(), paragraphCount: z.number().int() }),
    chapters: z.array(ChapterSummary),
    progress: z.object({ position: z.number().int(), bookPercent: z.number() }).nullable(),
  })
  .openapi('Reading');

export const Paragraph = z
  .object({ id: z.number().int(), ordinal: z.number().int(), position: z.number().int(), kind: z.string(), text: z.string() })
  .openapi('Paragraph');

export const Chapter = ChapterSummary.extend({ paragraphs: z.array(Paragraph).openapi({ description: 'Empty while the chapter is not open to you' }) }).openapi('Chapter');

const CommentActions = z.object({ reply: z.boolean(), edit: z.boolean(), delete: z.boolean(), hide: z.boolean(), remove: z.boolean(), react: z.boolean() });

export const Comment = z
  .object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    rootId: z.number().int(),
    paragraphId: z.number().int().nullable(),
    passage: z.object({ start: z.number().int(), end: z.number().int(), exact: z.string() }).nullable(),
    quotedText: z.string().nullable(),
    author: z.object({ username: z.string(), displayName: z.string() }).nullable(),
    body: z.string().nullable().openapi({ description: 'Markdown source; null when deleted or moderated' }),
    visibility: z.enum(['club', 'private']),
    createdAt: time,
    editedAt: time.nullable(),
    deleted: z.boolean(),
    moderation: z.enum(['hidden', 'removed']).nullable(),
    moderationReason: z.string().nullable(),
    reactions: z.array(z.object({ reaction: z.string(), count: z.number().int(), mine: z.boolean() })),
    can: CommentActions,
  })
  .openapi('Comment');

export const CommentThreads = z
  .object({
    chapterId: z.number().int(),
    threads: z.array(
      z.object({
        rootId: z.number().int(),
        root: Comment.nullable().openapi({ description: 'Null: the thread starts further on than you have read (only your own reply in it is shown)' }),
        replies: z.array(Comment),
      }),
    ),
    hiddenCount: z.number().int().openapi({ description: 'Comments in this chapter further on than you have read: a count, nothing of them' }),
    canPost: z.boolean(),
  })
  .openapi('CommentThreads');

const body = z.string().max(COMMENT_MAX_CHARS * 2).openapi({ description: `Markdown, 1–${COMMENT_MAX_CHARS} characters after normalising` });

export const NewComment = z
  .object({
    paragraphId: z.number().int().positive().optional().openapi({ description: 'The paragraph the comment is on; leave out (with chapterId) for the chapter’s own thread' }),
    chapterId: z.number().int().positive().optional(),
    body,
    visibility: z.enum(['club', 'private']).default('club'),
    passage: z
      .object({
        start: z.number().int().min(0),
        end: z.number().int().min(0),
        exact: z.string().max(MAX_PASSAGE_CHARS),
        prefix: z.string().max(200).optional().openapi({ description: 'If given, it must be the text just before the passage (up to 32 characters)' }),
        suffix: z.string().max(200).optional().openapi({ description: 'If given, it must be the text just after the passage (up to 32 characters)' }),
      })
      .optional()
      .openapi({ description: 'A passage of the paragraph (W3C TextPositionSelector + TextQuoteSelector); it must match the text' }),
  })
  .refine((value) => value.paragraphId !== undefined || value.chapterId !== undefined, { message: 'paragraphId or chapterId is required', path: ['paragraphId'] })
  .openapi('NewComment');

export const NewReply = z.object({ body, quote: z.boolean().default(false) }).openapi('NewReply');
export const CommentEdit = z.object({ body }).openapi('CommentEdit');
export const ReactionToggle = z.object({ reaction: z.enum(REACTIONS) }).openapi('ReactionToggle');

export const CommentCreated = z.object({ id: z.number().int(), chapterId: z.number().int(), paragraphId: z.number().int().nullable() }).openapi('CommentCreated');
export const ReactionState = z.object({ commentId: z.number().int(), reaction: z.string(), on: z.boolean() }).openapi('ReactionState');

const ResultCount = z.object({ optionId: z.number().int(), label: z.string(), votes: z.number().int(), percent: z.number() });

export const Poll = z
  .object({
    id: z.number().int(),
    question: z.string(),
    kind: z.enum(['single', 'multiple', 'ranked']),
    minChoices: z.number().int(),
    maxChoices: z.number().int(),
    voters: z.enum(['anonymous', 'public']),
    resultsVisibility: z.enum(['always', 'after_vote', 'after_close', 'after_chapter']),
    status: z.enum(['scheduled', 'open', 'closed']),
    opensAt: time.nullable(),
    closesAt: time.nullable(),
    chapter: z.object({ ordinal: z.number().int(), title: z.string() }).nullable(),
    options: z.array(z.object({ id: z.number().int(), label: z.string() })),
    myChoices: z.array(z.number().int()).nullable(),
    results: z
      .object({
        ballots: z.number().int(),
        counts: z.array(ResultCount),
        runoff: z
          .object({
            rounds: z.array(
              z.object({ round: z.number().int(), tallies: z.array(ResultCount), active: z.number().int(), exhausted: z.number().int(), eliminated: z.array(z.string()), winner: z.string().nullable() }),
            ),
            winners: z.array(z.string()),
            exhausted: z.number().int(),
          })
          .nullable(),
        voters: z.array(z.object({ name: z.string(), choices: z.array(z.string()) })).nullable(),
      })
      .nullable()
      .openapi({ description: 'Null until the poll’s results are visible to you' }),
    can: z.object({ vote: z.boolean(), withdraw: z.boolean() }),
  })
  .openapi('Poll');

export const PollList = z.object({ polls: z.array(Poll) }).openapi('PollList');

export const Ballot = z
  .object({ choices: z.array(z.number().int().positive()).max(OPTIONS_MAX).openapi({ description: 'Option ids; in order of preference for a ranked poll' }) })
  .openapi('Ballot');

export const Progress = z
  .object({ readingId: z.number().int(), position: z.number().int(), bookPercent: z.number(), chapterId: z.number().int().nullable() })
  .openapi('Progress');

export const ProgressUpdate = z
  .object({
    position: z.number().int().min(1).max(999_999_999).openapi({ description: 'The position of the last paragraph read' }),
    mode: z.enum(['forward', 'set']).default('forward').openapi({ description: '`forward`: I have read up to here; `set`: set my progress here (also back)' }),
  })
  .openapi('ProgressUpdate');
