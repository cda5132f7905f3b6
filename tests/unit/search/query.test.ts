/**
 * The query builder and the index tokens, tested directly: what each input becomes (the FTS5
 * expression, and the tsquery text of PostgreSQL), and that no input — hostile, huge, or not
 * text at all — throws or produces an expression FTS5 refuses (each is run against a real FTS5
 * table built like the migration's; tests/pg/search-queries.test.ts runs the tsqueries).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildSearchQuery, QUERY_MAX_CHARS, QUERY_MAX_TERMS } from '../../../src/search/query';
import { snippetOf } from '../../../src/search/snippet';
import { bigramsOf, indexText, RUN_END, textRuns } from '../../../src/search/tokens';

const E = RUN_END;

describe('index tokens', () => {
  it('cuts CJK runs into bigrams ending in the run mark, and leaves other words whole', () => {
    expect(indexText('국가정책을')).toBe(`국가 가정 정책 책을 을${E}`);
    expect(indexText('정')).toBe(`정${E}`);
    expect(indexText('Loopt의 투자')).toBe(`Loopt 의${E} 투자 자${E}`);
    expect(indexText('日本語です。ひらがな')).toBe(`日本 本語 語で です す${E} ひら らが がな な${E}`);
    expect(indexText('café — naïve, 3.1!')).toBe('café naïve 3 1');
    expect(indexText('🎉 emoji 👩‍👩‍👧')).toBe('emoji');
  });

  it('normalises to NFC first', () => {
    expect(indexText('정책'.normalize('NFD'))).toBe(`정책 책${E}`);
    expect(textRuns('가'.normalize('NFD'))).toEqual([{ kind: 'cjk', text: '가' }]);
  });

  it('bigrams of short runs', () => {
    expect(bigramsOf('정')).toEqual([]);
    expect(bigramsOf('정책')).toEqual(['정책']);
    expect(bigramsOf('𠀀𠀁𠀂')).toEqual(['𠀀𠀁', '𠀁𠀂']); // astral Han: by code point, not UTF-16 unit
  });
});

describe('buildSearchQuery', () => {
  const cases: [string, string | null][] = [
    ['정책', '"정책"'],
    ['정', '"정"*'],
    ['정책을', '"정책 책을"'],
    ['투자 정책', '"투자" "정책"'],
    ['"정책 기업"', `"정책 책${E} 기업"`],
    ['Loopt', '"Loopt"*'],
    ['Loopt ', '"Loopt"'],
    ['Loopt의', '"Loopt 의"*'],
    ['"the hill at dusk"', '"the hill at dusk"'],
    ['"unbalanced quote', '"unbalanced quote"'],
    ['NEAR(a b)', '"NEAR a" "b"*'],
    ['a:b', '"a b"*'],
    ['***', null],
    ['', null],
    ['   ', null],
    ['🎉', null],
    ['"', null],
    [E, null],
  ];
  for (const [input, match] of cases) {
    it(`${JSON.stringify(input)} → ${match}`, () => expect(buildSearchQuery(input).match).toBe(match));
  }

  // The same terms as PostgreSQL's to_tsquery text (tests/pg/search-queries.test.ts runs them).
  const tsqueries: [string, string | null][] = [
    ['정책', "'정책'"],
    ['정', "'정':*"],
    ['정책을', "('정책' <-> '책을')"],
    ['투자 정책', "'투자' & '정책'"],
    ['"정책 기업"', `('정책' <-> '책${E}' <-> '기업')`],
    ['Loopt', "'Loopt':*"],
    ['Loopt ', "'Loopt'"],
    ['Loopt의', "('Loopt' <-> '의':*)"],
    ['"the hill at dusk"', "('the' <-> 'hill' <-> 'at' <-> 'dusk')"],
    ['a & !b | c <-> d', "'a' & 'b' & 'c' & 'd':*"],
    ["it's", "('it' <-> 's':*)"],
    ['***', null],
  ];
  for (const [input, tsquery] of tsqueries) {
    it(`${JSON.stringify(input)} → tsquery ${tsquery}`, () => expect(buildSearchQuery(input).tsquery).toBe(tsquery));
  }

  it('reads at most QUERY_MAX_CHARS characters and QUERY_MAX_TERMS terms', () => {
    expect([...buildSearchQuery('가'.repeat(1000)).text]).toHaveLength(QUERY_MAX_CHARS);
    const many = buildSearchQuery(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '));
    expect(many.match!.split('" "')).toHaveLength(QUERY_MAX_TERMS);
    expect(many.tsquery!.split(' & ')).toHaveLength(QUERY_MAX_TERMS);
  });

  it('takes anything without throwing', () => {
    for (const input of [undefined, null, 42, {}, ['a'], '\uD800', '\u0000'] as unknown[]) expect(() => buildSearchQuery(input)).not.toThrow();
  });

  it('gives lower-cased needles for highlighting', () => {
    expect(buildSearchQuery('Loopt 정책').needles).toEqual(['loopt', '정책']);
  });

  it('every expression, hostile or not, is accepted by FTS5', () => {
    const db = new Database(':memory:');
    db.exec("create virtual table t using fts5(body, tokenize = 'porter unicode61 remove_diacritics 2', content = '', contentless_delete = 1)");
    db.prepare('insert into t (rowid, body) values (1, ?)').run(indexText('정책을 세운 Loopt의 투자자들이 "따옴표" AND OR NOT NEAR'));
    const hostile = ['"', '""', '"""', 'AND', 'OR', 'NOT', 'a AND', 'NEAR(', 'NEAR(a b, 2)', '*', 'a*', '^a', 'body:a', '{body}: a', '-a', '+', '(((', ')))', "'", '\\', '%_', '\u0000', '\uFFFF', '\uD800x', '🎉', '👩‍👩‍👧', 'ｆｕｌｌ', 'Ⅻ', 'x'.repeat(1000), '정'.repeat(1000), '"정책', '정책"', '「정책」', '“정책”', 'a " b " c "', 'and or not near'];
    for (const input of hostile) {
      const { match } = buildSearchQuery(input);
      if (match !== null) expect(() => db.prepare('select rowid from t where t match ?').all(match), JSON.stringify(input)).not.toThrow();
    }
    const find = (q: string) => db.prepare('select rowid from t where t match ?').all(buildSearchQuery(q).match).length;
    expect(find('정책')).toBe(1);
    expect(find('정')).toBe(1);
    expect(find('세')).toBe(1);
    expect(find('loopt')).toBe(1);
    expect(find('투자자')).toBe(1);
    expect(find('"따옴표"')).toBe(1);
    expect(find('AND')).toBe(1);
    expect(find('기업')).toBe(0);
  });
});

describe('snippetOf', () => {
  it('marks every hit in a window around the first', () => {
    const snippet = snippetOf('정책은 좋았다. 그리고 정책이 바뀌었다.', ['정책']);
    expect(snippet.parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['정책', '정책']);
    expect(snippet.cutStart).toBe(false);
  });

  it('is case-insensitive and cuts long text with ellipses', () => {
    const text = `${'a '.repeat(200)}The Loopt story${' b'.repeat(200)}`;
    const snippet = snippetOf(text, ['loopt'], 20);
    expect(snippet.parts.find((p) => p.hit)!.text).toBe('Loopt');
    expect(snippet.cutStart && snippet.cutEnd).toBe(true);
    expect(snippet.parts.map((p) => p.text).join('').length).toBeLessThanOrEqual(45);
  });

  it('falls back to a stem prefix, then to the start of the text', () => {
    expect(snippetOf('she climbed the hill', ['climbing']).parts.some((p) => p.hit && p.text === 'clim')).toBe(true);
    expect(snippetOf('nothing here', ['zzz']).parts).toEqual([{ text: 'nothing here', hit: false }]);
  });

  it('never cuts an emoji in half', () => {
    const text = `${'🎉'.repeat(100)}정책${'🎉'.repeat(100)}`;
    const joined = snippetOf(text, ['정책'], 7).parts.map((p) => p.text).join('');
    expect(joined).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });
});
