/** Invitation links: the moderators' list and form, and the page a link opens. */
import type { FC } from 'hono/jsx';
import type { MessageKey } from '../../src/i18n';
import type { InvitationState } from '../../src/clubs';
import { INVITATION_MAX_USES } from '../../src/clubs';
import type { PageContext } from '../context';
import { FieldError, FormErrors, Layout } from '../layout';
import { ClubHeader, ROLE_KEYS, type ClubHeading } from './parts';

export interface InvitationRowView {
  id: number;
  role: 'member' | 'moderator';
  state: InvitationState;
  uses: number;
  maxUses: number;
  expiresAtText: string;
  createdAtText: string;
  createdBy: string | null;
  canRevoke: boolean;
}

/** Expiry choices offered in the form (hours); the server accepts any whole number from 1 to 720. */
export const EXPIRY_CHOICES = [1, 24, 72, 168, 336, 720] as const;

const STATE_KEYS: Record<InvitationState, MessageKey> = {
  active: 'clubs.invitations.state.active',
  expired: 'clubs.invitations.state.expired',
  used_up: 'clubs.invitations.state.used_up',
  revoked: 'clubs.invitations.state.revoked',
};

export const InvitationsPage: FC<{
  page: PageContext;
  club: ClubHeading;
  currentReadingId: number | null;
  rows: InvitationRowView[];
  canInviteModerators: boolean;
  values: Record<string, string>;
  errors: Partial<Record<string, MessageKey>>;
  created: { url: string; role: 'member' | 'moderator'; expiresAtText: string; maxUses: number } | null;
}> = ({ page, club, currentReadingId, rows, canInviteModerators, values, errors, created }) => {
  const { t } = page;
  const invalid = (name: string) => (errors[name] ? 'field field-invalid' : 'field');
  const expiry = values.expiresInHours ?? '168';
  return (
    <Layout page={page} title={`${t('clubs.invitations.title')} · ${club.name}`} bodyClass="club-page">
      <ClubHeader page={page} club={club} tab="invitations" currentReadingId={currentReadingId} isModerator={true} />
      <h2>{t('clubs.invitations.title')}</h2>
      {created && (
        <div class="card invitation-created" role="status">
          <p>
            <strong>{t('clubs.invitations.created')}</strong>
          </p>
          <p>{t('clubs.invitations.created_hint', { role: t(ROLE_KEYS[created.role]), date: created.expiresAtText, count: created.maxUses })}</p>
          <label for="invitation-link">{t('clubs.invitations.link')}</label>
          <input id="invitation-link" type="text" readonly value={created.url} class="invitation-link" />
          <p class="field-hint">{t('clubs.invitations.copy_once')}</p>
        </div>
      )}
      <FormErrors page={page} errors={Object.values(errors).map((key) => t(key!))} />
      <form method="post" action={`/clubs/${club.id}/invitations`} class="card invitation-form">
        <h3>{t('clubs.invitations.new')}</h3>
        <div class="schedule-grid">
          <div class={invalid('expiresInHours')}>
            <label for="invite-expiry">{t('clubs.invitations.expires_in')}</label>
            <select id="invite-expiry" name="expiresInHours">
              {EXPIRY_CHOICES.map((hours) => (
                <option value={String(hours)} selected={expiry === String(hours)}>
                  {hours < 24 ? t('clubs.invitations.hours', { count: hours }) : t('clubs.invitations.days', { count: hours / 24 })}
                </option>
              ))}
            </select>
            <FieldError id="invite-expiry-error" message={errors.expiresInHours ? t(errors.expiresInHours) : undefined} />
          </div>
          <div class={invalid('maxUses')}>
            <label for="invite-uses">{t('clubs.invitations.max_uses')}</label>
            <input
              id="invite-uses"
              name="maxUses"
              type="number"
              min={1}
              max={INVITATION_MAX_USES}
              required
              value={values.maxUses ?? '10'}
              aria-invalid={errors.maxUses ? 'true' : undefined}
              aria-describedby={errors.maxUses ? 'invite-uses-error' : 'invite-uses-hint'}
            />
            <p class="field-hint" id="invite-uses-hint">
              {t('clubs.invitations.max_uses_hint', { max: INVITATION_MAX_USES })}
            </p>
            <FieldError id="invite-uses-error" message={errors.maxUses ? t(errors.maxUses) : undefined} />
          </div>
          <div class={invalid('role')}>
            <label for="invite-role">{t('clubs.invitations.role')}</label>
            <select id="invite-role" name="role">
              <option value="member" selected={values.role !== 'moderator'}>
                {t('clubs.role.member')}
              </option>
              {canInviteModerators && (
                <option value="moderator" selected={values.role === 'moderator'}>
                  {t('clubs.role.moderator')}
                </option>
              )}
            </select>
            <FieldError id="invite-role-error" message={errors.role ? t(errors.role) : undefined} />
          </div>
        </div>
        <button type="submit">{t('clubs.invitations.create')}</button>
      </form>
      <h3>{t('clubs.invitations.list')}</h3>
      {rows.length === 0 ? (
        <p class="muted">{t('clubs.invitations.none')}</p>
      ) : (
        <div class="club-table-wrap">
          <table class="invitation-table">
            <thead>
              <tr>
                <th scope="col">{t('clubs.invitations.state')}</th>
                <th scope="col">{t('clubs.invitations.role')}</th>
                <th scope="col">{t('clubs.invitations.uses')}</th>
                <th scope="col">{t('clubs.invitations.expires')}</th>
                <th scope="col">{t('clubs.invitations.created_by')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('clubs.invitations.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr class={`invitation-${row.state}`} id={`invitation-${row.id}`}>
                  <td>
                    <span class={`badge badge-${row.state}`}>{t(STATE_KEYS[row.state])}</span>
                  </td>
                  <td>{t(ROLE_KEYS[row.role])}</td>
                  <td>
                    {row.uses} / {row.maxUses}
                  </td>
                  <td>{row.expiresAtText}</td>
                  <td>
                    {row.createdBy ?? '—'} <span class="muted">{row.createdAtText}</span>
                  </td>
                  <td>
                    {row.canRevoke && (
                      <form method="post" action={`/clubs/${club.id}/invitations/${row.id}/revoke`} class="inline-form">
                        <button type="submit" class="button-small">
                          {t('clubs.invitations.revoke')}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
};

export type InvitePageState =
  | {
      kind: 'join';
      club: { name: string; description: string; memberCount: number };
      role: 'member' | 'moderator';
      action: string;
      /** Signed out: where to create an account (which joins at once) or sign in, each coming back here. */
      signedOut?: { register: string; login: string };
    }
  | { kind: 'member'; club: { id: number; name: string } }
  | { kind: 'unusable'; reason: 'invalid' | 'expired' | 'used_up' | 'revoked' | 'banned' };

const UNUSABLE_KEYS: Record<'invalid' | 'expired' | 'used_up' | 'revoked' | 'banned', MessageKey> = {
  banned: 'moderation.banned.invite',
  invalid: 'clubs.invite.invalid',
  expired: 'clubs.invite.expired',
  used_up: 'clubs.invite.used_up',
  revoked: 'clubs.invite.revoked',
};

export const InvitePage: FC<{ page: PageContext; state: InvitePageState }> = ({ page, state }) => {
  const { t } = page;
  const title = state.kind === 'join' ? t('clubs.invite.join_title', { club: state.club.name }) : state.kind === 'member' ? state.club.name : t('clubs.invite.unusable_title');
  return (
    <Layout page={page} title={title}>
      <div class="narrow invite-page">
        {state.kind === 'join' && (
          <>
            <h1>{t('clubs.invite.join_title', { club: state.club.name })}</h1>
            {state.club.description && <p class="club-description">{state.club.description}</p>}
            <p class="muted">{t('clubs.member_count', { count: state.club.memberCount })}</p>
            <p>{t('clubs.invite.join_as', { role: t(ROLE_KEYS[state.role]) })}</p>
            {state.signedOut ? (
              <p class="actions">
                <a class="button" href={state.signedOut.register}>
                  {t('clubs.invite.sign_up_to_join')}
                </a>
                <a class="button button-secondary" href={state.signedOut.login}>
                  {t('clubs.invite.sign_in_to_join')}
                </a>
              </p>
            ) : (
              <form method="post" action={state.action}>
                <button type="submit">{t('clubs.invite.join_button', { club: state.club.name })}</button>
              </form>
            )}
          </>
        )}
        {state.kind === 'member' && (
          <>
            <h1>{state.club.name}</h1>
            <p>{t('clubs.invite.already_member')}</p>
            <p>
              <a class="button" href={`/clubs/${state.club.id}`}>
                {t('clubs.invite.go_to_club')}
              </a>
            </p>
          </>
        )}
        {state.kind === 'unusable' && (
          <>
            <h1>{t('clubs.invite.unusable_title')}</h1>
            <p>{t(UNUSABLE_KEYS[state.reason])}</p>
            <p class="muted">{t('clubs.invite.ask_for_new')}</p>
            <p>
              <a href="/clubs">{t('clubs.invite.back')}</a>
            </p>
          </>
        )}
      </div>
    </Layout>
  );
};

/** A short page for a refused form that has no better place to show its error (422). */
export const ClubMessagePage: FC<{ page: PageContext; title: string; message: string; back: string }> = ({ page, title, message, back }) => (
  <Layout page={page} title={title}>
    <div class="narrow">
      <h1>{title}</h1>
      <p role="alert">{message}</p>
      <p>
        <a href={back}>{page.t('clubs.back')}</a>
      </p>
    </div>
  </Layout>
);
