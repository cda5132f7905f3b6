/** The search box and the results it asks for (the fragment htmx swaps in, and part of the page). */
import type { FC } from 'hono/jsx';
import type { ClubSearchResultsView, LibrarySearchResultsView, SearchBoxView, Snippet } from '../../src/search';
import type { Translator } from '../../src/i18n';

/**
 * A plain GET form (works without JavaScript: it loads the results page). With htmx it asks
 * as the reader types — 300 ms after the last keystroke, and a newer question replaces one
 * still in flight (`hx-sync` `replace`), so the last answer is the one shown.
 */
export const SearchBox: FC<{ t: Translator; box: SearchBoxView; label: string }> = ({ t, box, label }) => {
  const results = `${box.idPrefix}-results`;
  return (
    <form
      method="get"
      action={box.action}
      role="search"
      class="search-box"
      hx-get={box.action}
      hx-trigger="input delay:300ms, submit"
      hx-target={`#${results}`}
      hx-swap="innerHTML"
      hx-sync="this:replace"
    >
      <label for={`${box.idPrefix}-q`}>{label}</label>
      {box.order === 'newest' && <input type="hidden" name="order" value="newest" />}
      <div class="search-row">
        <input
          type="search"
          id={`${box.idPrefix}-q`}
          name="q"
          value={box.query}
          maxlength={box.maxChars * 2}
          placeholder={t('search.placeholder')}
          autocomplete="off"
          aria-describedby={`${box.idPrefix}-hint`}
          aria-controls={results}
        />
        <button type="submit">{t('search.submit')}</button>
      </div>
      <p class="muted search-hint" id={`${box.idPrefix}-hint`}>
        {t('search.hint', { max: box.maxChars })}
      </p>
    </form>
  );
};

export const SnippetText: FC<{ snippet: Snippet }> = ({ snippet }) => (
  <span class="search-snippet">
    {snippet.cutStart && '… '}
    {snippet.parts.map((part) => (part.hit ? <mark>{part.text}</mark> : part.text))}
    {snippet.cutEnd && ' …'}
  </span>
);

/** The results of a club search: the book (grouped by chapter), then the discussion (grouped by chapter). */
export const ClubSearchResults: FC<{ t: Translator; results: ClubSearchResultsView }> = ({ t, results }) => {
  if (results.noReading) return <p class="muted">{t('search.no_reading')}</p>;
  if (results.empty) return <p class="muted">{t('search.empty')}</p>;
  const { book, discussion } = results;
  const nothing = book.visibleCount + book.aheadCount + discussion.visibleCount + discussion.hiddenCount === 0;
  return (
    <div class="search-results">
      <p class="search-summary">
        {nothing
          ? t('search.none', { query: results.query })
          : t('search.summary', {
              book: t(book.atLeast ? 'search.count_at_least' : 'search.book.count', { count: book.visibleCount + book.aheadCount }),
              discussion: t(discussion.atLeast ? 'search.count_at_least' : 'search.book.count', { count: discussion.visibleCount + discussion.hiddenCount }),
            })}
        {' '}
        <span class="search-order">
          {t('search.order')}:{' '}
          {results.order === 'best' ? <strong>{t('search.order.best')}</strong> : <a href={results.orderHrefs.best}>{t('search.order.best')}</a>}
          {' · '}
          {results.order === 'newest' ? <strong>{t('search.order.newest')}</strong> : <a href={results.orderHrefs.newest}>{t('search.order.newest')}</a>}
        </span>
      </p>
      <section class="search-section" aria-label={t('search.book.title')}>
        <h3>{t('search.book.title')}</h3>
        {book.chapters.length === 0 && <p class="muted">{t('search.book.none')}</p>}
        {book.chapters.map((chapter) =>
          chapter.ahead ? (
            <p class="search-ahead muted">{t('search.book.ahead', { chapter: chapter.label, count: chapter.matchCount })}</p>
          ) : (
            <div class="search-group">
              <h4>
                {chapter.label} <span class="muted">({t('search.book.count', { count: chapter.matchCount })})</span>
              </h4>
              <ul class="search-hits">
                {chapter.hits.map((hit) => (
                  <li>
                    <a href={hit.href}>{t('search.book.paragraph', { ordinal: hit.paragraphOrdinal })}</a> <SnippetText snippet={hit.snippet} />
                  </li>
                ))}
              </ul>
            </div>
          ),
        )}
      </section>
      <section class="search-section" aria-label={t('search.discussion.title')}>
        <h3>{t('search.discussion.title')}</h3>
        {discussion.chapters.length === 0 && <p class="muted">{t('search.discussion.none')}</p>}
        {discussion.chapters.map((chapter) => (
          <div class="search-group">
            <h4>{chapter.label}</h4>
            <ul class="search-hits">
              {chapter.hits.map((hit) => (
                <li>
                  <a href={hit.href}>
                    {hit.authorName} · {hit.where}
                  </a>{' '}
                  <time class="muted" datetime={hit.createdIso}>
                    {hit.createdLabel}
                  </time>
                  {hit.isPrivate && <span class="badge">{t('search.discussion.private')}</span>} <SnippetText snippet={hit.snippet} />
                </li>
              ))}
            </ul>
          </div>
        ))}
        {discussion.hiddenCount > 0 && <p class="muted search-ahead">{t(discussion.atLeast ? 'search.discussion.hidden_at_least' : 'search.discussion.hidden', { count: discussion.hiddenCount })}</p>}
      </section>
    </div>
  );
};

export const LibrarySearchResults: FC<{ t: Translator; results: LibrarySearchResultsView }> = ({ t, results }) => {
  if (results.empty) return <p class="muted">{t('search.empty')}</p>;
  if (results.hits.length === 0) return <p class="search-summary">{t('search.none', { query: results.query })}</p>;
  return (
    <ul class="search-hits search-results">
      {results.hits.map((hit) => (
        <li>
          <a href={hit.href}>
            {hit.bookTitle} · {hit.chapterLabel} · {t('search.book.paragraph', { ordinal: hit.paragraphOrdinal })}
          </a>{' '}
          <SnippetText snippet={hit.snippet} />
        </li>
      ))}
    </ul>
  );
};

/** Where results land: announced politely to screen readers when htmx swaps new ones in. */
export const ResultsRegion: FC<{ id: string; label: string; children?: unknown }> = ({ id, label, children }) => (
  <div id={id} class="search-results-region" aria-live="polite" aria-label={label}>
    {children as never}
  </div>
);

/** The search card on club pages (the club home's side column, the chapter page's panels). */
export const SearchPanel: FC<{ t: Translator; box: SearchBoxView }> = ({ t, box }) => (
  <section class="card search-panel" aria-labelledby={`${box.idPrefix}-title`}>
    <h2 id={`${box.idPrefix}-title`}>{t('search.title')}</h2>
    <SearchBox t={t} box={box} label={t('search.label')} />
    <ResultsRegion id={`${box.idPrefix}-results`} label={t('search.results')} />
  </section>
);
