/**
 * The live stream's place on the chapter page: an element htmx's `hx-sse` extension connects
 * from (`hx-swap="none"`: every message is a set of `<hx-partial>` swaps by id), and the line
 * that says who is reading this chapter now. `views/static/live.js` does the rest.
 */
import type { FC } from 'hono/jsx';
import type { PresenceView } from '../../src/live';
import type { Translator } from '../../src/i18n';

export const LiveConnector: FC<{ t: Translator; url: string }> = ({ t, url }) => (
  <div id="live" class="live" hx-sse:connect={url} hx-swap="none" data-lost={t('live.lost')} data-reload={t('live.reload')}>
    <p id="live-presence" class="live-presence muted" aria-live="polite"></p>
    <p id="live-status" class="live-status muted" role="status"></p>
  </div>
);

export const PresenceLine: FC<{ t: Translator; presence: PresenceView }> = ({ t, presence }) =>
  presence.count === 0 ? null : (
    <>
      {t(presence.count === 1 ? 'live.presence.one' : 'live.presence.other', { count: presence.count })}
      {presence.names.length > 0 && <span class="live-names">{` (${presence.names.join(', ')})`}</span>}
    </>
  );
