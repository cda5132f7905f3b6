import { describe, expect, it } from 'vitest';
import { paragraphTextHtml } from '../../../views/books/chapter-text';
import { finishParagraph, LINE, RUBY_CLOSE, RUBY_OPEN, RUBY_TEXT } from '../../../src/books/import/rich';

describe('ruby and verse in paragraph text', () => {
  it('ruby is drawn over its base; a highlight across a ruby base is cut at its edges', () => {
    const ruby = [{ start: 0, end: 2, text: 'やまみち' }];
    expect(paragraphTextHtml('山路を登る', [], ruby)).toBe('<ruby>山路<rt>やまみち</rt></ruby>を登る');
    expect(paragraphTextHtml('山路を登る', [{ start: 1, end: 4 }], ruby)).toBe(
      '<ruby>山<mark class="passage">路</mark><rt>やまみち</rt></ruby><mark class="passage">を登</mark>る',
    );
    expect(paragraphTextHtml('<b>', [], [{ start: 0, end: 3, text: '<i>' }])).toBe('<ruby>&#60;b&#62;<rt>&#60;i&#62;</rt></ruby>');
  });

  it('finishParagraph: marks become text plus ruby offsets; lines become \\n, blank runs collapse', () => {
    const marked = `  ${RUBY_OPEN}漢字${RUBY_TEXT} かん じ ${RUBY_CLOSE}を${LINE}${LINE}${LINE} 読む ${LINE}`;
    expect(finishParagraph(marked)).toEqual({ text: '漢字を\n\n読む', ruby: [{ start: 0, end: 2, text: 'かん じ' }] });
    expect(finishParagraph(`${RUBY_OPEN}無印${RUBY_CLOSE}`)).toEqual({ text: '無印', ruby: [] });
  });
});
