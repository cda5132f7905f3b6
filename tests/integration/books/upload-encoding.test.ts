/** The preview says which encoding a legacy text file was read as, and lets the uploader change it. */
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editions } from '../../../db/schema';
import { makeTestApp, signUp, type Client, type TestApp } from '../../helpers/app';

let testApp: TestApp;
let admin: Client;
beforeEach(async () => {
  testApp = await makeTestApp();
  admin = await signUp(testApp, 'admin');
});
afterEach(async () => await testApp.close());

const KOREAN = '작은 책방\n\n제1장 봄\n\n책방에는 간판이 없었습니다. 우리는 쥌챩 책을 읽고 이야기를 나눴습니다.\n\n제2장 여름\n\n여름에는 긴 책을 읽었어요.\n';

async function uploadCp949(): Promise<string> {
  const form = new FormData();
  form.append('file', new File([new Uint8Array(iconv.encode(KOREAN, 'cp949'))], 'ko.txt'));
  const response = await admin.post('/library/upload', form);
  expect(response.status).toBe(303);
  return response.headers.get('location')!;
}

describe('encoding in the preview', () => {
  it('reports EUC-KR/CP949 and offers the other encodings', async () => {
    const html = await (await admin.get(await uploadCp949())).text();
    expect(html).toContain('EUC-KR/CP949');
    expect(html).toMatch(/<select[^>]*name="encoding"/);
    expect(html).toMatch(/<option value="euc-kr" selected/);
  });

  it('an override that gives mojibake is refused and the upload kept; a good one is kept', async () => {
    const preview = await uploadCp949();
    const refused = await admin.post(`${preview}/encoding`, { encoding: 'gb18030' });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe(`${preview}?refused=gb18030`);
    const html = await (await admin.get(refused.headers.get('location')!)).text();
    expect(html).toContain('Read as GB18030, the file does not come out as text');
    expect(html).toContain('작은 책방');

    const kept = await admin.post(`${preview}/encoding`, { encoding: 'euc-kr' });
    expect(kept.headers.get('location')).toBe(preview);
    const confirmed = await admin.post(`${preview}/confirm`, {});
    expect(confirmed.status).toBe(303);
    const [edition] = await testApp.db.select({ encoding: editions.encoding, title: editions.title }).from(editions);
    expect(edition).toEqual({ encoding: 'euc-kr', title: '작은 책방' });
  });
});
