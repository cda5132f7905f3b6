/** Moderation pages: flag a comment, the club's queue, its audit log, actions on my content, site administration. */
import type { FC } from 'hono/jsx';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import type { AdminBookView, AdminUserView, FlagFormView, LogEntryView, ModerationPageView } from '../../src/moderation';

const Errors: FC<{ message: string | null }> = ({ message }) => (message ? <p class="flash flash-error" role="alert">{message}</p> : null);

export const FlagPage: FC<{ page: PageContext; view: FlagFormView }> = ({ page, view }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t('moderation.flag.title')}>
      <section class="narrow moderation-page">
        <h1>{t('moderation.flag.title')}</h1>
        <blockquote class="flagged-comment">{view.excerpt}</blockquote>
        {view.done ? (
          <p class="flash" role="status">{t('moderation.flag.thanks')}</p>
        ) : (
          <form method="post" action={view.action}>
            <Errors message={view.error} />
            <fieldset>
              <legend>{t('moderation.flag.reason_question')}</legend>
              {view.reasons.map((reason) => (
                <label class="choice">
                  <input type="radio" name="reason" value={reason} checked={view.values.reason === reason} required />
                  {t(`moderation.flag.reason.${reason}`)}
                </label>
              ))}
            </fieldset>
            <label>
              {t('moderation.flag.note')}
              <textarea name="note" maxlength={500} rows={3}>{view.values.note ?? ''}</textarea>
            </label>
            <input type="hidden" name="return" value={view.back} />
            <p class="muted">{t('moderation.flag.anonymous')}</p>
            <button type="submit">{t('moderation.flag.submit')}</button>
          </form>
        )}
        <p>
          <a href={view.back}>{t('moderation.back')}</a>
        </p>
      </section>
    </Layout>
  );
};

export const QueuePage: FC<{ page: PageContext; view: ModerationPageView }> = ({ page, view }) => {
  const { t } = page;
  const base = `/clubs/${view.club.id}/moderation`;
  return (
    <Layout page={page} title={t('moderation.queue.title', { club: view.club.name })}>
      <section class="moderation-page">
        <p>
          <a href={`/clubs/${view.club.id}`}>{t('moderation.back_to_club', { club: view.club.name })}</a> · <a href={`${base}/log`}>{t('moderation.log.link')}</a>
        </p>
        <h1>{t('moderation.queue.title', { club: view.club.name })}</h1>
        {view.notice && <p class="flash" role="status">{view.notice}</p>}
        <Errors message={view.error} />
        <nav class="queue-order" aria-label={t('moderation.queue.order')}>
          <a href={`${base}?order=newest`} aria-current={view.order === 'newest' ? 'page' : undefined}>{t('moderation.queue.newest')}</a>{' '}
          <a href={`${base}?order=most`} aria-current={view.order === 'most' ? 'page' : undefined}>{t('moderation.queue.most')}</a>
        </nav>
        {view.items.length === 0 && <p class="muted">{t('moderation.queue.empty')}</p>}
        <ol class="queue">
          {view.items.map((item) => (
            <li class="queue-item" id={`q-${item.commentId}`}>
              <p class="muted">
                <a href={item.href}>{item.where}</a> · {item.author} · {item.date} · {t('moderation.queue.flag_count', { count: item.flagCount })}
                {item.hidden && <strong> · {t('moderation.queue.hidden')}</strong>}
              </p>
              {item.context && <blockquote class="queue-context">{item.context}</blockquote>}
              <div class="queue-body">{item.body}</div>
              <ul class="queue-flags">
                {item.flags.map((flag) => (
                  <li>
                    {t(`moderation.flag.reason.${flag.reason}`)} — {flag.flagger}
                    {flag.note && <>: {flag.note}</>}
                  </li>
                ))}
              </ul>
              <form method="post" action={`${base}/comments/${item.commentId}`} class="queue-decision">
                <label>
                  {t('moderation.reason')}
                  <input name="reason" maxlength={500} />
                </label>
                <button name="decision" value="keep">{t('moderation.decision.keep')}</button>
                {!item.hidden && <button name="decision" value="hide">{t('moderation.decision.hide')}</button>}
                {item.hidden && <button name="decision" value="restore">{t('moderation.decision.restore')}</button>}
                <button name="decision" value="delete">{t('moderation.decision.delete')}</button>
                <button name="decision" value="warn">{t('moderation.decision.warn')}</button>
              </form>
            </li>
          ))}
        </ol>
        <h2>{t('moderation.hidden.title')}</h2>
        {view.hidden.length === 0 && <p class="muted">{t('moderation.hidden.empty')}</p>}
        <ul class="queue">
          {view.hidden.map((item) => (
            <li class="queue-item">
              <p class="muted">
                <a href={item.href}>{item.where}</a> · {item.author} · {item.reason}
              </p>
              <div class="queue-body">{item.body}</div>
              <form method="post" action={`${base}/comments/${item.commentId}`}>
                <label>
                  {t('moderation.reason')}
                  <input name="reason" maxlength={500} />
                </label>
                <button name="decision" value="restore">{t('moderation.decision.restore')}</button>
              </form>
            </li>
          ))}
        </ul>
        <h2>{t('moderation.members.title')}</h2>
        <form method="post" action={`${base}/restrictions`} class="stacked">
          <label>
            {t('moderation.members.who')}
            <select name="user_id" required>
              {view.members.map((m) => (
                <option value={String(m.userId)}>{m.name}</option>
              ))}
            </select>
          </label>
          <label>
            {t('moderation.members.hours')}
            <input name="hours" type="number" min={1} max={720} value="24" />
          </label>
          <label>
            {t('moderation.reason')}
            <input name="reason" maxlength={500} required />
          </label>
          <button name="action" value="mute">{t('moderation.members.mute')}</button> <button name="action" value="ban">{t('moderation.members.ban')}</button>
        </form>
        <ul>
          {[
            ...view.mutes.map((m) => ({ userId: m.userId, text: t('moderation.members.muted_until', { name: m.name, until: m.until }), reason: m.reason, action: 'unmute' as const })),
            ...view.bans.map((b) => ({ userId: b.userId, text: t('moderation.members.banned', { name: b.name }), reason: b.reason, action: 'unban' as const })),
          ].map((r) => (
            <li>
              {r.text} — {r.reason}
              <form method="post" action={`${base}/restrictions`} class="inline">
                <input type="hidden" name="user_id" value={String(r.userId)} />
                <button name="action" value={r.action}>{t(`moderation.members.${r.action}`)}</button>
              </form>
            </li>
          ))}
        </ul>
        <h2>{t('moderation.settings.title')}</h2>
        <form method="post" action={`${base}/settings`} class="stacked">
          <label>
            {t('moderation.settings.slow_mode')}
            <input name="slow_mode_seconds" type="number" min={0} max={3600} value={view.settings.slowModeSeconds} />
          </label>
          <label>
            {t('moderation.settings.threshold')}
            <input name="flag_threshold" type="number" min={1} max={20} value={view.settings.flagThreshold} />
          </label>
          <button type="submit">{t('moderation.settings.save')}</button>
        </form>
      </section>
    </Layout>
  );
};

export const LogPage: FC<{ page: PageContext; title: string; back: { href: string; label: string }; entries: LogEntryView[] }> = ({ page, title, back, entries }) => {
  const { t } = page;
  return (
    <Layout page={page} title={title}>
      <section class="moderation-page">
        <p>
          <a href={back.href}>{back.label}</a>
        </p>
        <h1>{title}</h1>
        {entries.length === 0 && <p class="muted">{t('moderation.log.empty')}</p>}
        <div class="table-scroll">
          <table class="audit-log">
            <thead>
              <tr>
                <th>{t('moderation.log.when')}</th>
                <th>{t('moderation.log.who')}</th>
                <th>{t('moderation.log.what')}</th>
                <th>{t('moderation.log.why')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <td>{e.date}</td>
                  <td>{e.who}</td>
                  <td>{e.what}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
};

/** The frame every site-administration page shares: its title and the links between them. */
const AdminFrame: FC<{ page: PageContext; title: string; current: 'users' | 'books'; notice: string | null; children?: unknown }> = ({ page, title, current, notice, children }) => {
  const { t } = page;
  const sections = [
    { key: 'users', href: '/admin/users', label: t('moderation.admin.users') },
    { key: 'books', href: '/admin/books', label: t('moderation.admin.books') },
  ] as const;
  return (
    <Layout page={page} title={title}>
      <section class="moderation-page">
        <nav aria-label={t('moderation.log.site')}>
          <p class="club-tabs">
            {sections.map((s) => (
              <a href={s.href} aria-current={s.key === current ? 'page' : undefined} class={s.key === current ? 'club-tab club-tab-active' : 'club-tab'}>
                {s.label}
              </a>
            ))}
          </p>
        </nav>
        <h1>{title}</h1>
        {notice && <p class="flash" role="status">{notice}</p>}
        {children}
      </section>
    </Layout>
  );
};

export const AdminUsersPage: FC<{ page: PageContext; users: AdminUserView[]; notice: string | null }> = ({ page, users, notice }) => {
  const { t } = page;
  return (
    <AdminFrame page={page} title={t('moderation.admin.users')} current="users" notice={notice}>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('moderation.admin.account')}</th>
              <th scope="col">{t('moderation.admin.joined')}</th>
              <th scope="col">{t('moderation.admin.status')}</th>
              <th scope="col">{t('moderation.admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <td>
                  {u.displayName} (@{u.username}){u.isAdmin && <> · {t('moderation.admin.is_admin')}</>}
                </td>
                <td>{u.joined}</td>
                <td>{u.suspended ? t('moderation.admin.suspended') : t('moderation.admin.active')}</td>
                <td>
                  {u.canSuspend && (
                    <form method="post" action={`/admin/users/${u.id}/suspend`} class="inline">
                      <input type="hidden" name="suspend" value={u.suspended ? 'no' : 'yes'} />
                      {!u.suspended && <input name="reason" maxlength={500} aria-label={t('moderation.reason')} placeholder={t('moderation.reason')} />}
                      <button type="submit">{u.suspended ? t('moderation.admin.unsuspend') : t('moderation.admin.suspend')}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminFrame>
  );
};

export const AdminBooksPage: FC<{ page: PageContext; books: AdminBookView[]; notice: string | null; error: string | null }> = ({ page, books, notice, error }) => {
  const { t } = page;
  return (
    <AdminFrame page={page} title={t('moderation.admin.books')} current="books" notice={notice}>
      <Errors message={error} />
      <ul>
        {books.map((b) => (
          <li>
            {b.title}
            {b.author && <> — {b.author}</>}
            {b.clubs.length > 0 ? (
              <span class="muted"> · {t('moderation.admin.read_by', { clubs: b.clubs.join(', ') })}</span>
            ) : (
              <form method="post" action={`/admin/books/${b.id}/remove`} class="inline">
                <button type="submit">{t('moderation.admin.remove_book')}</button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </AdminFrame>
  );
};
