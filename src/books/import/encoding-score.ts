/**
 * How much a decoded text reads like text, to choose between legacy encodings that all decode
 * the same bytes without error.
 *
 * CP949 (Korean), GB18030 (Chinese), Big5 and Shift_JIS all map most byte pairs to *some*
 * character, so "decodes without error" says little: a Korean book read as GB18030 comes out
 * as common-looking Chinese ideographs, and Chinese read as CP949 as Hangul syllables. What
 * tells them apart is the text itself:
 *
 * - **Common characters of the script.** In real Korean the 100 most frequent syllables make up
 *   about half of all syllables; in Chinese mis-read as Korean they are a small share (the
 *   byte pairs land on arbitrary syllables). The same holds for the most frequent Chinese
 *   ideographs (simplified and traditional). Kana and Latin letters count as they are: a
 *   wrong decoding rarely produces them in quantity.
 * - **Replacement-like characters** count against: U+FFFD, private-use code points, C1
 *   controls, half-width katakana (what Korean bytes become in Shift_JIS), CJK
 *   compatibility ideographs, and (half) Latin-1 symbols such as ¤ ¦ ¨ (what they become in
 *   windows-1252, where accented letters count only half as expected).
 *
 * `plausibility` is the share of letters that are "expected" minus three times the share of
 * replacement-like characters: about 0.5–0.9 for real Korean, Chinese, Japanese or English
 * text (0.3 at the least for literary Chinese), under 0.1 for mojibake.
 */

/** The most frequent Hangul syllables of modern Korean prose. */
const KOREAN_COMMON = new Set(
  Array.from(
    '이다는의에을하고가한지서로리기사수도나그자대어를으인시아일정들해있게보상만부내주것우여면성라장거적원제요되소말했니었문할위오생세미저물경신용중선화교국같계심개비전실며과와안음까데렇없모운간동때무알때러람더던치분합금번당통학년려반법니까습드트스크진연발회차민작업명람울식두날변감각마득될생많좋겠된봐야왔너희리를집',
  ),
);

/**
 * The most frequent Chinese ideographs (about the top 130, with traditional forms): some 40 % of
 * real Chinese text, but only a few per cent of the ideographs Korean bytes turn into. The set
 * is kept small on purpose: GB2312's 3,755 common ideographs are exactly where CP949's Hangul
 * byte pairs land, so a large set would count mojibake as expected.
 */
const CHINESE_COMMON = new Set(
  Array.from(
    '的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實日军軍者',
  ),
);

const HANGUL_SYLLABLE = /[\uac00-\ud7a3]/u;
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/u;
const KANA = /[\u3041-\u30ff]/u;
const ASCII_LETTER = /[A-Za-z]/u;
/** Accented Latin letters: real in French or German, but a share of them is what CJK bytes become in windows-1252. */
const LATIN_EXTENDED = /[\u00c0-\u024f]/u;
/** Latin-1 symbols (¡ … ¿): rare in real text, half of what CJK bytes become in windows-1252. */
const LATIN1_SYMBOL = /[\u00a1-\u00bf\u00d7\u00f7]/u;
/** What a wrong decoding produces: replacement, private use, C1 controls, half-width katakana, CJK compatibility. */
const REPLACEMENT_LIKE = /[\ufffd\ue000-\uf8ff\u0080-\u009f\uff61-\uff9f\uf900-\ufaff]/u;

export interface TextProfile {
  letters: number;
  hangul: number;
  han: number;
  kana: number;
  replacementLike: number;
  /** 0…1-ish; see the module comment. */
  plausibility: number;
}

/** Profiles the first `sampleChars` characters of `text`. */
export function profileText(text: string, sampleChars = 200_000): TextProfile {
  const sample = text.slice(0, sampleChars);
  let letters = 0;
  let hangul = 0;
  let han = 0;
  let kana = 0;
  let expected = 0;
  let replacementLike = 0;
  let chars = 0;
  for (const ch of sample) {
    chars++;
    if (REPLACEMENT_LIKE.test(ch)) {
      replacementLike++;
      continue;
    }
    if (HANGUL_SYLLABLE.test(ch)) {
      letters++;
      hangul++;
      if (KOREAN_COMMON.has(ch)) expected++;
    } else if (HAN.test(ch)) {
      letters++;
      han++;
      if (CHINESE_COMMON.has(ch)) expected++;
    } else if (KANA.test(ch)) {
      letters++;
      kana++;
      expected++;
    } else if (ASCII_LETTER.test(ch)) {
      letters++;
      expected++;
    } else if (LATIN_EXTENDED.test(ch)) {
      letters++;
      expected += 0.5;
    } else if (LATIN1_SYMBOL.test(ch)) {
      replacementLike += 0.5;
    } else if (/\p{L}/u.test(ch)) {
      letters++;
      expected += 0.5; // other scripts: neither evidence for nor against
    }
  }
  // Japanese text: kanji among plenty of kana are expected whatever their frequency in Chinese.
  if (kana > 0 && kana >= (kana + han) * 0.2) expected += han * 0.5;
  const plausibility = (letters === 0 ? 0 : Math.min(1, expected / letters)) - (chars === 0 ? 0 : (3 * replacementLike) / chars);
  return { letters, hangul, han, kana, replacementLike, plausibility };
}

/** Below this, a decoding is mojibake: refused rather than stored. */
export const MIN_PLAUSIBILITY = 0.2;
