/** Whole search pages: what the search box loads without JavaScript, and links to share. */
import type { FC } from 'hono/jsx';
import type { ClubSearchResultsView, LibrarySearchResultsView, SearchBoxView } from '../../src/search';
import type { PageContext } from '../context';
import { Layout } from '../layout';
import { ClubSearchResults, LibrarySearchResults, ResultsRegion, SearchBox } from './parts';

export const ClubSearchPage: FC<{ page: PageContext; clubName: string; clubHref: string; box: SearchBoxView; results: ClubSearchResultsView }> = ({ page, clubName, clubHref, box, results }) => (
  <Layout page={page} title={page.t('search.title_in', { club: clubName })}>
    <p class="breadcrumbs">
      <a href={clubHref}>{clubName}</a>
    </p>
    <h1>{page.t('search.title_in', { club: clubName })}</h1>
    <SearchBox t={page.t} box={box} label={page.t('search.label')} />
    <ResultsRegion id={`${box.idPrefix}-results`} label={page.t('search.results')}>
      <ClubSearchResults t={page.t} results={results} />
    </ResultsRegion>
  </Layout>
);

export const LibrarySearchPage: FC<{ page: PageContext; box: SearchBoxView; results: LibrarySearchResultsView }> = ({ page, box, results }) => (
  <Layout page={page} title={page.t('search.library_title')}>
    <p class="breadcrumbs">
      <a href="/library">{page.t('nav.library')}</a>
    </p>
    <h1>{page.t('search.library_title')}</h1>
    <SearchBox t={page.t} box={box} label={page.t('search.library_label')} />
    <ResultsRegion id={`${box.idPrefix}-results`} label={page.t('search.results')}>
      <LibrarySearchResults t={page.t} results={results} />
    </ResultsRegion>
  </Layout>
);
