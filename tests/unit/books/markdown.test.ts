import { describe, expect, it } from 'vitest';
import { parseBook } from '../../../src/books/import/index';

const md = (text: string) => parseBook({ bytes: new TextEncoder().encode(text), filename: 'book.md' });

describe('Markdown', () => {
  it('uses YAML front matter, ATX headings and plain-text paragraphs', () => {
    const book = md(`---
title: "바다의 책"
author: 김바다
lang: ko
---

서문 앞의 글입니다.

# 제1장 바다

첫 문단에 *강조*와 **굵게**, \`코드\`, [링크 글자](https://example.com)가 있습니다.
줄바꿈은 공백이 됩니다.

![등대 사진](lighthouse.png)

- 첫째 항목
- 둘째 항목

> 인용한 문장.

## 1.1. 파도

\`\`\`
code block
\`\`\`

| 이름 | 값 |
| --- | --- |
| 가 | 1 |
`);
    expect(book.title).toBe('바다의 책');
    expect(book.author).toBe('김바다');
    expect(book.language).toBe('ko');
    expect(book.format).toBe('md');
    expect(book.sections).toEqual([
      { depth: 1, title: '', kind: 'front', paragraphs: ['서문 앞의 글입니다.'] },
      {
        depth: 1,
        title: '제1장 바다',
        kind: 'body',
        paragraphs: [
          '첫 문단에 강조와 굵게, 코드, 링크 글자가 있습니다. 줄바꿈은 공백이 됩니다.',
          '등대 사진',
          '첫째 항목',
          '둘째 항목',
          '인용한 문장.',
        ],
      },
      { depth: 2, title: '1.1. 파도', kind: 'body', paragraphs: ['code block', '이름 | 값', '가 | 1'] },
    ]);
  });

  it('takes the first # heading as title without metadata, and detects the language', () => {
    const book = md('# The Harbour\n\nSome *text* here.\n\n## Part Two\n\nMore.');
    expect(book.title).toBe('The Harbour');
    expect(book.author).toBeNull();
    expect(book.language).toBe('en');
    expect(book.sections.map((s) => [s.depth, s.title])).toEqual([
      [1, 'The Harbour'],
      [2, 'Part Two'],
    ]);
  });

  it('starts depths at the shallowest heading level used', () => {
    const book = md('## 하나\n\n가.\n\n### 둘\n\n나.');
    expect(book.sections.map((s) => [s.depth, s.title])).toEqual([
      [1, '하나'],
      [2, '둘'],
    ]);
  });

  it('NFC-normalises', () => {
    const book = md('# 제목\n\n한글 문단.'.normalize('NFD'));
    expect(book.sections[0]!.paragraphs[0]).toBe('한글 문단.'.normalize('NFC'));
    expect(book.title).toBe('제목');
  });
});
