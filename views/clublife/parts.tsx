/** Pieces every club-life page shares: the frame (club header, the area's own links) and a notice. */
import type { Child, FC } from 'hono/jsx';
import type { ClubHeading } from '../../src/clubs';
import type { MessageKey } from '../../src/i18n';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import { ClubHeader } from '../clubs/parts';

export interface LifeFrame {
  club: ClubHeading;
  isModerator: boolean;
  currentReadingId: number | null;
}

export type LifeSection = 'pick' | 'meetings' | 'shelf';

export const LifePage: FC<{ page: PageContext; frame: LifeFrame; title: string; section?: LifeSection; notice?: MessageKey | null; children?: Child }> = ({ page, frame, title, section, notice, children }) => {
  const { t } = page;
  const id = frame.club.id;
  const link = (key: LifeSection, href: string, label: string) => (
    <a href={href} class={key === section ? 'club-tab club-tab-active' : 'club-tab'} aria-current={key === section ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <Layout page={page} title={`${title} · ${frame.club.name}`} bodyClass="club-page">
      <ClubHeader page={page} club={frame.club} tab="life" currentReadingId={frame.currentReadingId} isModerator={frame.isModerator} />
      <nav class="club-tabs life-tabs" aria-label={t('clublife.home.title')}>
        {link('pick', `/clubs/${id}/next-book`, t('clublife.home.next_book'))}
        {link('meetings', `/clubs/${id}/meetings`, t('clublife.home.meetings'))}
        {link('shelf', `/clubs/${id}/shelf`, t('clublife.home.shelf'))}
      </nav>
      <section class="club-life narrow">
        <h2>{title}</h2>
        {notice && (
          <p class="flash" role="status">
            {t(notice)}
          </p>
        )}
        {children}
      </section>
    </Layout>
  );
};

/** A field's label, input and error, with `aria-describedby` pointing at the error. */
export const Field: FC<{ id: string; label: string; error?: string; children?: Child }> = ({ id, label, error, children }) => (
  <div class={error ? 'field field-invalid' : 'field'}>
    <label for={id}>{label}</label>
    {children}
    {error && (
      <p class="field-error" id={`${id}-error`}>
        {error}
      </p>
    )}
  </div>
);
