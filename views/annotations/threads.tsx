/**
 * Threads of comments: a paragraph's (in the margin, or on its own page) or a chapter's own
 * discussion. Receives plain data built by `src/annotations/service.ts`; never queries.
 *
 * Every form posts and redirects without JavaScript; with htmx it posts in place and the
 * server answers with this same fragment, swapped into the thread container (`#threads-…`).
 * Comment bodies arrive as sanitised HTML (`renderCommentBody`): the one place `raw()` is used
 * on what members wrote. Everything else, display names included, is escaped by hono/jsx.
 */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Reaction } from '../../db/schema';
import type { CommentView, FormState, ReactionView, ThreadOrder, ThreadsView, ThreadView } from '../../src/annotations';
import type { Translator } from '../../src/i18n';

export type { CommentView, FormState, ReactionView, ThreadOrder, ThreadsView, ThreadView };

/**
 * Symbols from the Basic Multilingual Plane with text presentation (U+FE0E), so they draw in
 * the page's own fonts everywhere instead of depending on a colour-emoji font.
 */
const REACTION_ICONS: Record<Reaction, string> = {
  like: '\u2665\uFE0E', // ♥
  insightful: '\u2605\uFE0E', // ★
  funny: '\u263A\uFE0E', // ☺
  moved: '\u273F\uFE0E', // ✿
  question: '?',
};

/**
 * How thread fragments are swapped. `settle:0` turns off htmx's settle-time CSS transitions:
 * they copy `style` attributes from the old elements onto same-id new ones with
 * `setAttribute`, which a strict `style-src 'self'` CSP refuses whenever the browser (or an
 * extension) has left a `style=""` on a form field — and Chromium does on every input.
 */
export const THREAD_SWAP = 'innerHTML settle:0';
export const SUMMARY_SWAP = 'outerHTML settle:0';

function plural(t: Translator, base: 'annotations.count' | 'annotations.hidden' | 'annotations.passage.marks', count: number) {
  return t(count === 1 ? `${base}.one` : `${base}.other`, { count });
}

export { plural as pluralComments };

/** Attributes that make a form post with htmx into the thread container, and without htmx post normally. */
function hxForm(view: ThreadsView, action: string) {
  // `hx-trigger` is explicit: inside a fragment's thread list the openers' trigger is inherited.
  return { method: 'post', action, 'hx-post': action, 'hx-target': `#${view.containerId}`, 'hx-swap': THREAD_SWAP, 'hx-trigger': 'submit' } as const;
}

/**
 * In a fragment, every comment's openers (`<details hx-get>`) load their forms into themselves
 * the first time they open: said once on the thread list instead of on every opener.
 */
const LAZY_OPENERS = { 'hx-trigger:inherited': 'toggle once', 'hx-swap:inherited': 'beforeend' } as const;

/**
 * A comment's body: sanitised HTML from `renderCommentBody`, the one place `raw()` is used on
 * what members wrote (threads, the club home's recent discussion, a comment's history).
 */
export const CommentBody: FC<{ html: string; class?: string }> = ({ html, class: extra }) => (
  <div class={extra ? `comment-body ${extra}` : 'comment-body'} dir="auto">
    {raw(html)}
  </div>
);

const Hidden: FC<{ name: string; value: string | number | null | undefined }> = ({ name, value }) =>
  value === null || value === undefined || value === '' ? null : <input type="hidden" name={name} value={String(value)} />;

const CommonFields: FC<{ view: ThreadsView }> = ({ view }) => (
  <>
    <Hidden name="reading_id" value={view.readingId} />
    <Hidden name="order" value={view.order} />
    <Hidden name="return" value={view.returnTo} />
  </>
);

const ErrorLine: FC<{ id: string; message: string | undefined }> = ({ id, message }) =>
  message ? (
    <p class="field-error" id={id} role="alert">
      {message}
    </p>
  ) : null;

function stateFor(view: ThreadsView, key: string): FormState | null {
  return view.form && view.form.key === key ? view.form : null;
}

/** The form for a new root comment on the scope (a paragraph, a passage in it, or the chapter). */
export const NewCommentForm: FC<{ t: Translator; view: ThreadsView }> = ({ t, view }) => {
  const state = stateFor(view, 'new');
  const values = state?.values ?? {};
  const suffix = view.scope.kind === 'paragraph' ? `p${view.scope.paragraphId}` : `c${view.scope.chapterId}`;
  const bodyId = `body-new-${suffix}`;
  const hasPassage = Boolean(values.passage_exact) && view.scope.kind === 'paragraph';
  return (
    <form {...hxForm(view, view.postUrl)} class="comment-form new-comment" id={`new-comment-${suffix}`}>
      <CommonFields view={view} />
      {view.scope.kind === 'paragraph' ? <Hidden name="paragraph_id" value={view.scope.paragraphId} /> : <Hidden name="chapter_id" value={view.scope.chapterId} />}
      {hasPassage && (
        <>
          <p class="form-passage">
            {t('annotations.form.passage')} <q class="passage-quote">{values.passage_exact}</q>
          </p>
          <Hidden name="passage_start" value={values.passage_start} />
          <Hidden name="passage_end" value={values.passage_end} />
          <Hidden name="passage_exact" value={values.passage_exact} />
          <Hidden name="passage_prefix" value={values.passage_prefix} />
          <Hidden name="passage_suffix" value={values.passage_suffix} />
        </>
      )}
      <div class={state ? 'field field-invalid' : 'field'}>
        <label for={bodyId}>{t('annotations.form.body')}</label>
        <textarea
          id={bodyId}
          name="body"
          rows={3}
          maxlength={view.commentMaxChars}
          required
          aria-invalid={state ? 'true' : undefined}
          aria-describedby={`${bodyId}-hint${state ? ` ${bodyId}-error` : ''}`}
        >
          {values.body ?? ''}
        </textarea>
        <ErrorLine id={`${bodyId}-error`} message={state?.error} />
        <p class="field-hint" id={`${bodyId}-hint`}>
          {t('annotations.form.body.hint', { max: view.commentMaxChars.toLocaleString('en') })}
        </p>
      </div>
      <VisibilityField t={t} id={`visibility-new-${suffix}`} value={values.visibility} />
      <button type="submit" class="button">
        {t('annotations.form.submit')}
      </button>
    </form>
  );
};

export const VisibilityField: FC<{ t: Translator; id: string; value?: string }> = ({ t, id, value }) => (
  <div class="field field-inline">
    <label for={id}>{t('annotations.form.visibility')}</label>
    <select id={id} name="visibility">
      <option value="club" selected={value !== 'private'}>
        {t('annotations.form.visibility.club')}
      </option>
      <option value="private" selected={value === 'private'}>
        {t('annotations.form.visibility.private')}
      </option>
    </select>
  </div>
);

/** The reaction buttons (every reaction of the set, or in a fragment only those already given). */
const Reactions: FC<{ t: Translator; view: ThreadsView; comment: CommentView; only?: 'given' }> = ({ t, view, comment, only }) => {
  const counts = new Map(comment.reactions.map((r) => [r.reaction, r]));
  if (comment.can.react) {
    const shown = only === 'given' ? view.reactionSet.filter((reaction) => counts.has(reaction)) : view.reactionSet;
    if (shown.length === 0) return null;
    return (
      <form {...hxForm(view, view.actionUrl(comment.id, 'react'))} class="reactions" aria-label={t('annotations.reactions')}>
        <CommonFields view={view} />
        {shown.map((reaction) => {
          const tally = counts.get(reaction);
          const label = t(`annotations.reaction.${reaction}`);
          return (
            <button
              type="submit"
              name="reaction"
              value={reaction}
              class={tally?.mine ? 'button-small reaction reaction-mine' : 'button-small reaction'}
              aria-pressed={tally?.mine ? 'true' : 'false'}
              title={label}
              aria-label={`${label}${tally ? ` (${tally.count})` : ''}`}
            >
              <span aria-hidden="true">{REACTION_ICONS[reaction]}</span>
              {tally ? <span class="reaction-count">{tally.count}</span> : null}
            </button>
          );
        })}
      </form>
    );
  }
  if (comment.reactions.length === 0) return null;
  return (
    <p class="reactions reactions-readonly" aria-label={t('annotations.reactions')}>
      {view.reactionSet
        .filter((reaction) => counts.has(reaction))
        .map((reaction) => (
          <span class="reaction" title={t(`annotations.reaction.${reaction}`)}>
            <span aria-hidden="true">{REACTION_ICONS[reaction]}</span>
            <span class="visually-hidden">{t(`annotations.reaction.${reaction}`)}</span> <span class="reaction-count">{counts.get(reaction)!.count}</span>
          </span>
        ))}
    </p>
  );
};

type FormProps = { t: Translator; view: ThreadsView; comment: CommentView; rootId: number };

/** A form of a comment's: posts with htmx into the thread container, and without htmx normally. */
const CommentFormShell: FC<{ view: ThreadsView; action: string; submit?: string; children: unknown }> = ({ view, action, submit, children }) => (
  <form {...hxForm(view, action)} class="comment-form">
    <CommonFields view={view} />
    {children}
    {submit && (
      <button type="submit" class="button">
        {submit}
      </button>
    )}
  </form>
);

/** A form field with its label and, after a refusal, its message. */
const Field: FC<{ state: FormState | null; errorId: string; hint?: string; children: unknown }> = ({ state, errorId, hint, children }) => (
  <div class={state ? 'field field-invalid' : 'field'}>
    {children}
    <ErrorLine id={errorId} message={state?.error} />
    {hint && <p class="field-hint">{hint}</p>}
  </div>
);

/** A comment body's textarea (reply and edit). */
const BodyField: FC<{ view: ThreadsView; state: FormState | null; id: string; label: string; rows: number; value: string }> = ({ view, state, id, label, rows, value }) => (
  <Field state={state} errorId={`${id}-error`}>
    <label for={id}>{label}</label>
    <textarea id={id} name="body" rows={rows} maxlength={view.commentMaxChars} required aria-invalid={state ? 'true' : undefined}>
      {value}
    </textarea>
  </Field>
);

const ReplyForm: FC<FormProps> = ({ t, view, comment, rootId }) => {
  const state = stateFor(view, `reply-${comment.id}`);
  return (
    <CommentFormShell view={view} action={view.postUrl} submit={t('annotations.reply.submit')}>
      <Hidden name="parent_id" value={comment.id} />
      <BodyField view={view} state={state} id={`body-reply-${comment.id}`} label={t('annotations.form.reply_body')} rows={3} value={state?.values.body ?? ''} />
      {comment.kind === 'comment' && (
        <div class="field field-check">
          <input type="checkbox" id={`quote-${comment.id}`} name="quote" value="1" checked={state ? state.values.quote === '1' : comment.id !== rootId} />
          <label for={`quote-${comment.id}`}>{t('annotations.form.quote')}</label>
        </div>
      )}
    </CommentFormShell>
  );
};

const EditForm: FC<FormProps> = ({ t, view, comment }) => {
  const state = stateFor(view, `edit-${comment.id}`);
  const value = state?.values.body ?? comment.editSource ?? '';
  return (
    <CommentFormShell view={view} action={view.actionUrl(comment.id, 'edit')} submit={t('annotations.edit.submit')}>
      <BodyField view={view} state={state} id={`body-edit-${comment.id}`} label={t('annotations.form.body')} rows={4} value={value} />
    </CommentFormShell>
  );
};

const ModerateForm: FC<FormProps> = ({ t, view, comment }) => {
  const state = stateFor(view, `moderate-${comment.id}`);
  const { can } = comment;
  return (
    <CommentFormShell view={view} action={view.actionUrl(comment.id, 'moderate')}>
      <Field state={state} errorId={`reason-${comment.id}-error`} hint={t('annotations.moderate.hint')}>
        <label for={`reason-${comment.id}`}>{t('annotations.moderate.reason')}</label>
        <input type="text" id={`reason-${comment.id}`} name="reason" maxlength={view.reasonMaxChars} required value={state?.values.reason ?? ''} />
      </Field>
      <div class="actions">
        {can.hide && (
          <button type="submit" name="action" value="hide" class="button-small">
            {t('annotations.moderate.hide')}
          </button>
        )}
        {can.remove && (
          <button type="submit" name="action" value="remove" class="button-small button-danger">
            {t('annotations.moderate.remove')}
          </button>
        )}
      </div>
    </CommentFormShell>
  );
};

const DeleteForm: FC<FormProps> = ({ t, view, comment }) => (
  <form {...hxForm(view, view.actionUrl(comment.id, 'delete'))} class="comment-action inline-form" hx-confirm={t('annotations.delete.confirm')}>
    <CommonFields view={view} />
    <button type="submit" class="button-link">
      {t('annotations.delete')}
    </button>
  </form>
);

const Action: FC<{ summary: string; open: boolean; children: unknown }> = ({ summary, open, children }) => (
  <details class="comment-action" open={open ? true : undefined}>
    <summary>{summary}</summary>
    {children}
  </details>
);

/** What a comment's actions are made of, when it has any. */
function actionsOf(comment: CommentView) {
  const { can } = comment;
  const edit = can.edit && comment.editSource !== null;
  const moderate = can.hide || can.remove;
  return { reply: can.reply, edit, moderate, delete: can.delete, any: can.reply || can.react || edit || moderate || can.delete };
}

/**
 * A comment's forms, loaded on demand into a thread fragment: the reply form first, then the
 * whole reaction set, edit, moderation and delete, as each appears on a whole page.
 */
export const CommentForms: FC<FormProps> = (props) => {
  const { t } = props;
  const has = actionsOf(props.comment);
  return (
    <>
      {has.reply && <ReplyForm {...props} />}
      <Reactions t={t} view={props.view} comment={props.comment} />
      {has.edit && (
        <Action summary={t('annotations.edit')} open={false}>
          <EditForm {...props} />
        </Action>
      )}
      {has.moderate && (
        <Action summary={t('annotations.moderate')} open={false}>
          <ModerateForm {...props} />
        </Action>
      )}
      {has.delete && <DeleteForm {...props} />}
    </>
  );
};

/** An opener whose forms htmx loads into it the first time it is opened (the thread list says how). */
const LazyAction: FC<{ summary: string; href: string }> = ({ summary, href }) => (
  <details class="comment-action" hx-get={href}>
    <summary>{summary}</summary>
  </details>
);

const CommentActions: FC<FormProps> = (props) => {
  const { t, view, comment } = props;
  const has = actionsOf(comment);
  if (!has.any) return null;
  // In a fragment, forms load on demand; the comment a refused form belongs to shows it in place.
  const refusedHere = view.form !== null && view.form.key.endsWith(`-${comment.id}`);
  if (view.lazyForms && !refusedHere) {
    return (
      <div class="comment-actions">
        <LazyAction summary={t(has.reply ? 'annotations.more' : 'annotations.actions')} href={view.formUrl(comment.id)} />
      </div>
    );
  }
  return (
    <div class="comment-actions">
      {has.reply && (
        <Action summary={t('annotations.reply')} open={stateFor(view, `reply-${comment.id}`) !== null}>
          <ReplyForm {...props} />
        </Action>
      )}
      {has.edit && (
        <Action summary={t('annotations.edit')} open={stateFor(view, `edit-${comment.id}`) !== null}>
          <EditForm {...props} />
        </Action>
      )}
      {has.moderate && (
        <Action summary={t('annotations.moderate')} open={stateFor(view, `moderate-${comment.id}`) !== null}>
          <ModerateForm {...props} />
        </Action>
      )}
      {has.delete && <DeleteForm {...props} />}
    </div>
  );
};

export const CommentItem: FC<{ t: Translator; view: ThreadsView; comment: CommentView; rootId: number }> = ({ t, view, comment, rootId }) => {
  const isRoot = comment.id === rootId;
  const classes = ['comment', isRoot ? 'comment-root' : 'comment-reply', comment.kind === 'comment' ? '' : `comment-${comment.kind}`, comment.mine ? 'comment-mine' : '', comment.isPrivate ? 'comment-private' : '']
    .filter(Boolean)
    .join(' ');
  if (comment.kind === 'deleted' || comment.kind === 'ahead') {
    return (
      <article class={classes} id={`c-${comment.id}`}>
        <p class="comment-placeholder">{t(comment.kind === 'deleted' ? 'annotations.deleted' : 'annotations.further_on')}</p>
      </article>
    );
  }
  return (
    <article class={classes} id={`c-${comment.id}`}>
      <header class="comment-meta">
        {comment.authorName !== null && (
          <bdi class="comment-author" dir="auto">
            {comment.authorName}
          </bdi>
        )}
        {comment.authorUsername !== null && <span class="comment-username">@{comment.authorUsername}</span>}
        {comment.createdIso && comment.createdLabel && (
          <a class="comment-time" href={`#c-${comment.id}`}>
            <time datetime={comment.createdIso}>{comment.createdLabel}</time>
          </a>
        )}
        {comment.isPrivate && <span class="badge badge-private">{t('annotations.private')}</span>}
        {comment.historyHref && (
          <a class="comment-edited" href={comment.historyHref}>
            {t('annotations.edited')}
          </a>
        )}
        {comment.can.react && !comment.mine && (
          <a class="comment-flag" href={`${view.actionUrl(comment.id, 'flag')}${view.returnTo ? `?return=${encodeURIComponent(view.returnTo)}` : ''}`}>
            {t('moderation.flag.link')}
          </a>
        )}
      </header>
      {comment.passageExact !== null && isRoot && (
        <blockquote class="comment-passage" dir="auto">
          <span class="visually-hidden">{t('annotations.passage.label')}: </span>
          {comment.passageExact}
        </blockquote>
      )}
      {comment.quote !== null &&
        ('unavailable' in comment.quote ? (
          <p class="comment-quote comment-quote-unavailable">{t('annotations.quote_unavailable')}</p>
        ) : (
          <blockquote class="comment-quote" dir="auto">
            <span class="visually-hidden">{t('annotations.quoting')}: </span>
            {comment.quote.text}
          </blockquote>
        ))}
      {(comment.kind === 'hidden' || comment.kind === 'removed') && (
        <div class="comment-moderation">
          <p>{t(comment.kind === 'hidden' ? 'annotations.hidden_by_moderator' : 'annotations.removed_by_moderator')}</p>
          {comment.moderationReason !== null && <p dir="auto">{t('annotations.moderation.reason', { reason: comment.moderationReason })}</p>}
          {comment.bodyHtml !== null && <p class="muted">{t('annotations.moderation.only_you')}</p>}
        </div>
      )}
      {comment.bodyHtml !== null && (
        <CommentBody html={comment.bodyHtml} />
      )}
      <Reactions t={t} view={view} comment={comment} only={view.lazyForms ? 'given' : undefined} />
      <CommentActions t={t} view={view} comment={comment} rootId={rootId} />
    </article>
  );
};

const ThreadItem: FC<{ t: Translator; view: ThreadsView; thread: ThreadView }> = ({ t, view, thread }) => (
  <li class="thread" id={`thread-${thread.rootId}`}>
    <CommentItem t={t} view={view} comment={thread.root} rootId={thread.rootId} />
    {thread.replies.length > 0 && (
      <ol class="replies">
        {thread.replies.map((reply) => (
          <li>
            <CommentItem t={t} view={view} comment={reply} rootId={thread.rootId} />
          </li>
        ))}
      </ol>
    )}
  </li>
);

/** The inside of a thread container: what htmx swaps in, and what full pages embed. */
export const Threads: FC<{ t: Translator; view: ThreadsView }> = ({ t, view }) => {
  const orderLink = (order: ThreadOrder) => {
    const href = view.orderHref(order);
    return order === view.order ? (
      <span class="order-current" aria-current="true">
        {t(`annotations.order.${order}`)}
      </span>
    ) : (
      <a href={href} hx-get={href} hx-target={`#${view.containerId}`} hx-swap={THREAD_SWAP}>
        {t(`annotations.order.${order}`)}
      </a>
    );
  };
  // A refusal that belongs to no form shown here (a reaction outside the set): say it on top.
  const formless = view.form && view.form.key.startsWith('react-') ? view.form.error : null;
  return (
    <>
      {formless && (
        <p class="flash flash-error" role="alert">
          {formless}
        </p>
      )}
      <div class="threads-bar">
        {view.threads.length > 1 && (
          <p class="threads-order">
            <span class="visually-hidden">{t('annotations.order')}: </span>
            {orderLink('reading')} · {orderLink('newest')}
          </p>
        )}
        {view.closable && (
          <button type="button" class="button-link threads-close" data-close-threads>
            {t('annotations.close')}
          </button>
        )}
      </div>
      {view.threads.length > 0 ? (
        <ol class="thread-list" {...(view.lazyForms ? LAZY_OPENERS : {})}>
          {view.threads.map((thread) => (
            <ThreadItem t={t} view={view} thread={thread} />
          ))}
        </ol>
      ) : (
        <p class="muted threads-empty">{t(view.scope.kind === 'paragraph' ? 'annotations.paragraph.empty' : 'annotations.discussion.empty')}</p>
      )}
      {view.hiddenCount > 0 && (
        <p class="hidden-count">
          {plural(t, 'annotations.hidden', view.hiddenCount)}. {t('annotations.hidden.hint')}
        </p>
      )}
      {view.canPost ? (
        <NewCommentForm t={t} view={view} />
      ) : view.postHint === 'signin' ? (
        <p class="muted">
          <a href={view.loginHref}>{t('annotations.signin_to_comment')}</a>
        </p>
      ) : view.postHint === 'members' ? (
        <p class="muted">{t('annotations.members_only')}</p>
      ) : null}
    </>
  );
};

/** A thread container with its content, for pages that render it at once. */
export const ThreadsContainer: FC<{ t: Translator; view: ThreadsView }> = ({ t, view }) => (
  <div class="threads" id={view.containerId}>
    <Threads t={t} view={view} />
  </div>
);
