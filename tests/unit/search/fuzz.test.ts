/**
 * Fuzzing the query builder and the snippets with thousands of random inputs (seeded): nothing
 * throws, every expression is accepted by a real FTS5 table built like the migration's, the
 * query is cut to its limit, and a snippet is always a window of the text it was cut from.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildSearchQuery, QUERY_MAX_CHARS } from '../../../src/search/query';
import { snippetOf } from '../../../src/search/snippet';
import { indexText } from '../../../src/search/tokens';
import { randomQueries } from '../../fixtures/random-queries';

const INPUTS = randomQueries(3000);

describe('fuzz', () => {
  it('every random input gives a query FTS5 accepts (or none), never an error', () => {
    const db = new Database(':memory:');
    db.exec("create virtual table t using fts5(body, tokenize = 'porter unicode61 remove_diacritics 2', content = '', contentless_delete = 1)");
    const add = db.prepare('insert into t (rowid, body) values (?, ?)');
    // The index holds random text too (what people write is as wild as what they search).
    randomQueries(300, 99).forEach((text, i) => add.run(i + 1, indexText(text)));
    const find = db.prepare('select rowid from t where t match ? limit 5');
    let searched = 0;
    for (const input of INPUTS) {
      const query = buildSearchQuery(input);
      expect([...query.text].length, JSON.stringify(input)).toBeLessThanOrEqual(QUERY_MAX_CHARS);
      expect(query.text).toBe(query.text.normalize('NFC'));
      if (query.match === null) continue;
      searched += 1;
      expect(() => find.all(query.match), JSON.stringify(input)).not.toThrow();
    }
    // The inputs are not all unsearchable: most reach FTS5.
    expect(searched).toBeGreaterThan(INPUTS.length / 2);
    db.close();
  });

  it('a snippet of any text for any query is a window of that text', () => {
    const texts = randomQueries(500, 5);
    INPUTS.slice(0, 1000).forEach((input, i) => {
      const text = texts[i % texts.length]!;
      const snippet = snippetOf(text, buildSearchQuery(input).needles);
      const joined = snippet.parts.map((part) => part.text).join('');
      expect(text.includes(joined), JSON.stringify({ input, text })).toBe(true);
    });
  });
});
