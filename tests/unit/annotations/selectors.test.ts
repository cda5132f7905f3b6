import { describe, expect, it } from 'vitest';
import {
  MAX_PASSAGE_CHARS,
  PASSAGE_CONTEXT_CHARS,
  isCharacterBoundary,
  locatePassage,
  selectorFor,
  validateSelector,
  type SelectorError,
} from '../../../src/annotations/selectors.js';

const KOREAN =
  '소년은 개울가에서 소녀를 보자 곧 윤 초시네 증손녀딸이라는 걸 알 수 있었다. 소녀는 개울에다 손을 잠그고 물장난을 하고 있는 것이다.';
const ENGLISH =
  'It was a bright cold day in April, and the clocks were striking thirteen. Winston Smith slipped quickly through the glass doors.';
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧 (8 code units)
const EMOJI_TEXT = `We laughed ${FAMILY} and then 🎉 again, 👍🏽 fine 🇰🇷 ok.`;

/** The selector a well-behaved client would send. */
function clientSelector(text: string, start: number, end: number) {
  return selectorFor(text, start, end);
}

function expectError(text: string, input: Parameters<typeof validateSelector>[1], error: SelectorError) {
  expect(validateSelector(text, input)).toEqual({ ok: false, error });
}

describe('constants', () => {
  it('context is 32 and passages are capped', () => {
    expect(PASSAGE_CONTEXT_CHARS).toBe(32);
    expect(MAX_PASSAGE_CHARS).toBe(2_000);
  });
});

describe('selectorFor', () => {
  it('builds exact, 32-unit prefix and suffix in Korean text', () => {
    const start = KOREAN.indexOf('있었다');
    expect(start).toBeGreaterThan(32);
    expect(KOREAN.length - start).toBeGreaterThan(35);
    const sel = selectorFor(KOREAN, start, start + 3);
    expect(sel.exact).toBe('있었다');
    expect(sel.prefix).toHaveLength(32);
    expect(sel.prefix).toBe(KOREAN.slice(start - 32, start));
    expect(sel.suffix).toBe(KOREAN.slice(start + 3, start + 35));
    expect(sel.suffix).toHaveLength(32);
  });

  it('shortens the prefix at the start of the paragraph', () => {
    const sel = selectorFor(ENGLISH, 0, 6);
    expect(sel).toEqual({ exact: 'It was', prefix: '', suffix: ENGLISH.slice(6, 38), start: 0, end: 6 });
    const sel2 = selectorFor(ENGLISH, 10, 16);
    expect(sel2.prefix).toBe('It was a b');
  });

  it('shortens the suffix at the end of the paragraph', () => {
    const end = ENGLISH.length;
    const sel = selectorFor(ENGLISH, end - 6, end);
    expect(sel.exact).toBe('doors.');
    expect(sel.suffix).toBe('');
    const sel2 = selectorFor(ENGLISH, end - 12, end - 7);
    expect(sel2.suffix).toBe(' doors.');
  });

  it('handles the whole paragraph', () => {
    expect(selectorFor(KOREAN, 0, KOREAN.length)).toMatchObject({ prefix: '', suffix: '', exact: KOREAN });
  });

  it('trims context by one unit rather than split a surrogate pair', () => {
    // '🎉' is two code units; put it so that the 32-unit window would start inside it.
    const text = `🎉${'a'.repeat(31)}XYZ${'b'.repeat(31)}🎉`;
    const start = 33; // 'X'
    expect(text.slice(start, start + 3)).toBe('XYZ');
    const sel = selectorFor(text, start, start + 3);
    expect(sel.prefix).toBe('a'.repeat(31)); // not '\uDF89' + 31 a's
    expect(sel.suffix).toBe('b'.repeat(31)); // not 31 b's + '\uD83C'
    // With one more unit of room the whole emoji fits.
    const sel2 = selectorFor(text, 32, 33);
    expect(sel2.prefix).toBe(`🎉${'a'.repeat(30)}`);
  });
});

describe('isCharacterBoundary', () => {
  it('accepts edges and ordinary boundaries', () => {
    expect(isCharacterBoundary('abc', 0)).toBe(true);
    expect(isCharacterBoundary('abc', 3)).toBe(true);
    expect(isCharacterBoundary('abc', 1)).toBe(true);
    expect(isCharacterBoundary('가나다', 1)).toBe(true);
  });

  it('rejects offsets outside the text or not integers', () => {
    expect(isCharacterBoundary('abc', -1)).toBe(false);
    expect(isCharacterBoundary('abc', 4)).toBe(false);
    expect(isCharacterBoundary('abc', 1.5)).toBe(false);
  });

  it('rejects the middle of a surrogate pair', () => {
    expect(isCharacterBoundary('a🎉b', 2)).toBe(false);
    expect(isCharacterBoundary('a🎉b', 1)).toBe(true);
    expect(isCharacterBoundary('a🎉b', 3)).toBe(true);
  });

  it('rejects a boundary before a combining mark', () => {
    // 'q' + COMBINING DOT BELOW has no precomposed form, so it stays two code points in NFC.
    const text = 'aq\u0323b';
    expect(text.normalize('NFC')).toBe(text);
    expect(isCharacterBoundary(text, 2)).toBe(false);
    expect(isCharacterBoundary(text, 1)).toBe(true);
    expect(isCharacterBoundary(text, 3)).toBe(true);
  });

  it('rejects boundaries inside ZWJ sequences, skin-tone modifiers and flags', () => {
    const start = EMOJI_TEXT.indexOf(FAMILY);
    for (let i = 1; i < FAMILY.length; i += 1) {
      expect(isCharacterBoundary(EMOJI_TEXT, start + i), `family +${i}`).toBe(false);
    }
    const thumb = EMOJI_TEXT.indexOf('👍🏽');
    expect(isCharacterBoundary(EMOJI_TEXT, thumb + 2)).toBe(false); // before the modifier
    const flag = EMOJI_TEXT.indexOf('🇰🇷');
    expect(isCharacterBoundary(EMOJI_TEXT, flag + 2)).toBe(false); // between regional indicators
  });

  it('rejects splitting conjoining Hangul jamo (old text that NFC cannot compose)', () => {
    const text = 'x\u1100\u1161\u11A8y'; // ᄀ ᅡ ᆨ → composes to 각 in NFC
    expect(text.normalize('NFC')).toBe('x각y');
    const oldHangul = 'x\u1100\u119E\u11A8y'; // archaic vowel ᆞ, no precomposed syllable
    expect(oldHangul.normalize('NFC')).toBe(oldHangul);
    expect(isCharacterBoundary(oldHangul, 2)).toBe(false);
    expect(isCharacterBoundary(oldHangul, 4)).toBe(true);
  });
});

describe('validateSelector — accepted selectors', () => {
  it('accepts a Korean passage and returns the canonical selector', () => {
    const start = KOREAN.indexOf('개울가에서');
    const sel = clientSelector(KOREAN, start, start + 5);
    expect(validateSelector(KOREAN, sel)).toEqual({ ok: true, selector: sel });
  });

  it('accepts an English passage mid-paragraph', () => {
    const start = ENGLISH.indexOf('Winston Smith');
    const sel = clientSelector(ENGLISH, start, start + 'Winston Smith'.length);
    expect(validateSelector(ENGLISH, sel)).toEqual({ ok: true, selector: sel });
  });

  it('accepts passages at the very start and the very end, with short context', () => {
    const first = clientSelector(KOREAN, 0, 3);
    expect(first.prefix).toBe('');
    expect(validateSelector(KOREAN, first).ok).toBe(true);
    const last = clientSelector(KOREAN, KOREAN.length - 4, KOREAN.length);
    expect(last.suffix).toBe('');
    expect(validateSelector(KOREAN, last).ok).toBe(true);
  });

  it('accepts a prefix shorter than 32 when the paragraph start cuts it', () => {
    const sel = clientSelector(ENGLISH, 5, 8);
    expect(sel.prefix).toBe('It wa');
    expect(validateSelector(ENGLISH, sel).ok).toBe(true);
  });

  it('accepts offsets sent as strings (form posts)', () => {
    const sel = clientSelector(ENGLISH, 9, 15);
    const result = validateSelector(ENGLISH, { ...sel, start: '9', end: ' 15 ' });
    expect(result).toEqual({ ok: true, selector: sel });
  });

  it('derives prefix and suffix when the client sends none', () => {
    const sel = clientSelector(KOREAN, 4, 9);
    const result = validateSelector(KOREAN, { exact: sel.exact, start: 4, end: 9 });
    expect(result).toEqual({ ok: true, selector: sel });
    expect(validateSelector(KOREAN, { exact: sel.exact, start: 4, end: 9, prefix: null, suffix: null }).ok).toBe(true);
  });

  it('normalises NFD input (e + combining acute) against an NFC paragraph', () => {
    const text = 'Le café était plein; elle a commandé un thé.';
    expect(text.normalize('NFC')).toBe(text);
    const start = text.indexOf('café');
    const sel = clientSelector(text, start, start + 4);
    const nfd = {
      exact: 'cafe\u0301',
      prefix: sel.prefix.normalize('NFD'),
      suffix: sel.suffix.normalize('NFD'),
      start,
      end: start + 4,
    };
    expect(nfd.exact).not.toBe(sel.exact);
    expect(validateSelector(text, nfd)).toEqual({ ok: true, selector: sel });
  });

  it('normalises NFD Hangul (decomposed jamo) input', () => {
    const start = KOREAN.indexOf('소녀를');
    const sel = clientSelector(KOREAN, start, start + 3);
    const decomposed = { ...sel, exact: sel.exact.normalize('NFD'), prefix: sel.prefix.normalize('NFD') };
    expect(decomposed.exact.length).toBeGreaterThan(3);
    expect(validateSelector(KOREAN, decomposed)).toEqual({ ok: true, selector: sel });
  });

  it('accepts whole emoji: surrogate pairs and ZWJ sequences', () => {
    const start = EMOJI_TEXT.indexOf(FAMILY);
    const sel = clientSelector(EMOJI_TEXT, start, start + FAMILY.length);
    expect(validateSelector(EMOJI_TEXT, sel)).toEqual({ ok: true, selector: sel });
    const party = EMOJI_TEXT.indexOf('🎉');
    expect(validateSelector(EMOJI_TEXT, clientSelector(EMOJI_TEXT, party, party + 2)).ok).toBe(true);
  });

  it('accepts a passage of exactly MAX_PASSAGE_CHARS', () => {
    const text = 'ab '.repeat(1_000);
    const sel = clientSelector(text, 0, MAX_PASSAGE_CHARS);
    expect(validateSelector(text, sel).ok).toBe(true);
  });
});

describe('validateSelector — every error code', () => {
  const start = ENGLISH.indexOf('bright');
  const good = clientSelector(ENGLISH, start, start + 6);

  it('invalid: non-numeric or fractional offsets, non-string quote, missing exact', () => {
    expectError(ENGLISH, { ...good, start: 'abc' }, 'invalid');
    expectError(ENGLISH, { ...good, start: 1.5 }, 'invalid');
    expectError(ENGLISH, { ...good, end: Number.NaN }, 'invalid');
    expectError(ENGLISH, { ...good, end: undefined }, 'invalid');
    expectError(ENGLISH, { ...good, start: '0x10' }, 'invalid');
    expectError(ENGLISH, { ...good, exact: undefined }, 'invalid');
    expectError(ENGLISH, { ...good, exact: 42 }, 'invalid');
    expectError(ENGLISH, { ...good, prefix: ['x'] }, 'invalid');
    expectError(ENGLISH, { ...good, suffix: {} }, 'invalid');
  });

  it('not_normalized: the paragraph text itself is NFD', () => {
    const nfd = 'cafe\u0301 au lait';
    expectError(nfd, { exact: 'au', start: 6, end: 8 }, 'not_normalized');
  });

  it('out_of_range: negative, past the end, reversed', () => {
    expectError(ENGLISH, { ...good, start: -1 }, 'out_of_range');
    expectError(ENGLISH, { ...good, end: ENGLISH.length + 1 }, 'out_of_range');
    expectError(ENGLISH, { ...good, start: good.end, end: good.start }, 'out_of_range');
  });

  it('empty: zero-length or whitespace-only passages', () => {
    expectError(ENGLISH, { exact: '', start: 5, end: 5 }, 'empty');
    const space = ENGLISH.indexOf(' ');
    expectError(ENGLISH, { exact: ' ', start: space, end: space + 1 }, 'empty');
  });

  it('too_long: more than MAX_PASSAGE_CHARS, or an absurd exact string', () => {
    const text = 'word '.repeat(1_000);
    const sel = clientSelector(text, 0, MAX_PASSAGE_CHARS + 1);
    expectError(text, sel, 'too_long');
    expectError(ENGLISH, { ...good, exact: 'x'.repeat(MAX_PASSAGE_CHARS * 4 + 1) }, 'too_long');
  });

  it('splits_character: surrogate pair halves', () => {
    const party = EMOJI_TEXT.indexOf('🎉');
    expectError(EMOJI_TEXT, { exact: EMOJI_TEXT.slice(party, party + 1), start: party, end: party + 1 }, 'splits_character');
    expectError(EMOJI_TEXT, { exact: EMOJI_TEXT.slice(party + 1, party + 5), start: party + 1, end: party + 5 }, 'splits_character');
  });

  it('splits_character: inside a ZWJ sequence, and before a combining mark', () => {
    const fam = EMOJI_TEXT.indexOf(FAMILY);
    expectError(EMOJI_TEXT, selectorFor(EMOJI_TEXT, fam, fam + 2), 'splits_character');
    expectError(EMOJI_TEXT, selectorFor(EMOJI_TEXT, fam + 3, fam + FAMILY.length), 'splits_character');
    const text = 'Tiếng Việt có dấu: aq\u0323b end';
    const q = text.indexOf('q');
    expectError(text, selectorFor(text, q - 1, q + 1), 'splits_character');
  });

  it('mismatch: exact differs from the text at those offsets', () => {
    expectError(ENGLISH, { ...good, exact: 'bright cold' }, 'mismatch');
    expectError(ENGLISH, { ...good, exact: 'BRIGHT' }, 'mismatch');
    // Offsets that point one word off.
    expectError(ENGLISH, { ...good, start: good.start + 1, end: good.end + 1 }, 'mismatch');
  });

  it('prefix_mismatch: wrong, truncated (not at the paragraph start), or too long', () => {
    expectError(ENGLISH, { ...good, prefix: 'something else' }, 'prefix_mismatch');
    // A client that sent fewer than 32 characters although more were available.
    const mid = ENGLISH.indexOf('Winston');
    const sel = clientSelector(ENGLISH, mid, mid + 7);
    expect(sel.prefix).toHaveLength(32);
    expectError(ENGLISH, { ...sel, prefix: sel.prefix.slice(-10) }, 'prefix_mismatch');
    expectError(ENGLISH, { ...sel, prefix: '' }, 'prefix_mismatch');
    expectError(ENGLISH, { ...sel, prefix: ENGLISH.slice(mid - 33, mid) }, 'prefix_mismatch');
    expectError(ENGLISH, { ...sel, prefix: 'p'.repeat(PASSAGE_CONTEXT_CHARS * 4 + 1) }, 'prefix_mismatch');
  });

  it('suffix_mismatch: wrong, truncated, or extended', () => {
    expectError(ENGLISH, { ...good, suffix: good.suffix.slice(0, 5) }, 'suffix_mismatch');
    expectError(ENGLISH, { ...good, suffix: good.suffix + 'x' }, 'suffix_mismatch');
    const last = clientSelector(ENGLISH, ENGLISH.length - 6, ENGLISH.length);
    expectError(ENGLISH, { ...last, suffix: ' ' }, 'suffix_mismatch');
  });

  it('reports errors in the documented order', () => {
    // Both out of range and mismatched → out_of_range first.
    expectError(ENGLISH, { exact: 'zzz', start: -3, end: 0 }, 'out_of_range');
    // Mismatched exact and prefix → mismatch first.
    expectError(ENGLISH, { ...good, exact: 'nope!!', prefix: 'nope' }, 'mismatch');
  });
});

describe('locatePassage', () => {
  const text = 'The cat sat. The cat ran. The cat slept.';

  it('keeps the stored positions when they still fit', () => {
    const sel = selectorFor(text, 17, 20); // second "cat"
    expect(locatePassage(text, sel)).toMatchObject({ method: 'position', selector: sel });
  });

  it('uses prefix and suffix to choose among repeated words when positions drifted', () => {
    const sel = selectorFor(text, 17, 20);
    const edited = `Chapter One. ${text}`;
    const found = locatePassage(edited, sel);
    expect(found?.method).toBe('quote');
    expect(found?.selector.start).toBe(17 + 13);
    expect(edited.slice(found!.selector.start, found!.selector.end)).toBe('cat');
    expect(found?.selector.suffix.startsWith(' ran.')).toBe(true);
  });

  it('uses the suffix alone to disambiguate', () => {
    const found = locatePassage(text, { exact: 'cat', suffix: ' slept.' });
    expect(found?.selector.start).toBe(text.lastIndexOf('cat'));
  });

  it('breaks ties by closeness to the old start', () => {
    const found = locatePassage('ab ab ab ab', { exact: 'ab', start: 7, end: 9, prefix: 'zz' });
    expect(found?.selector.start).toBe(6);
  });

  it('finds Korean passages after an edit, and normalises NFD quotes', () => {
    const sel = selectorFor(KOREAN, KOREAN.indexOf('소녀를'), KOREAN.indexOf('소녀를') + 3);
    const edited = KOREAN.replace('소년은 ', '그 소년은 ');
    const found = locatePassage(edited, { ...sel, exact: sel.exact.normalize('NFD') });
    expect(found?.selector.exact).toBe('소녀를');
    expect(found?.selector.start).toBe(sel.start + 2);
  });

  it('never returns a match that splits a character', () => {
    // "e" occurs only inside "q̣"-like clusters here? Use a combining sequence after "e".
    const t = 'xe\u0323y ze';
    expect(t.normalize('NFC')).not.toBe(t); // e + dot below composes to ẹ
    const nfc = t.normalize('NFC');
    const found = locatePassage(nfc, { exact: 'e' });
    expect(found?.selector.start).toBe(nfc.lastIndexOf('e'));
    expect(locatePassage('aq\u0323b', { exact: 'q' })).toBeNull();
  });

  it('returns null for an empty or missing quote', () => {
    expect(locatePassage(text, { exact: '' })).toBeNull();
    expect(locatePassage(text, { exact: 'dog' })).toBeNull();
  });
});
