/** The club home's "recent discussion": the latest comments this reader may see, with links to them. */
import type { FC } from 'hono/jsx';
import type { RecentCommentView } from '../../src/annotations';
import type { Translator } from '../../src/i18n';
import { CommentBody } from './threads';

export const RecentDiscussion: FC<{ t: Translator; items: RecentCommentView[] }> = ({ t, items }) => (
  <section class="recent-discussion" aria-labelledby="recent-discussion-title">
    <h2 id="recent-discussion-title">{t('annotations.recent.title')}</h2>
    {items.length === 0 ? (
      <p class="muted">{t('annotations.recent.empty')}</p>
    ) : (
      <ol class="recent-list">
        {items.map((item) => (
          <li class="recent-item">
            <p class="comment-meta">
              <bdi class="comment-author" dir="auto">
                {item.authorName}
              </bdi>{' '}
              <a href={item.href}>{item.where}</a> <time datetime={item.createdIso}>{item.createdLabel}</time>
              {item.isPrivate && <span class="badge badge-private">{t('annotations.private')}</span>}
            </p>
            {item.passageExact !== null && (
              <blockquote class="comment-passage" dir="auto">
                {item.passageExact}
              </blockquote>
            )}
            <CommentBody html={item.bodyHtml} class="recent-body" />
          </li>
        ))}
      </ol>
    )}
  </section>
);
