/**
 * Which language a reader gets: their account setting, then the language switch's cookie, then
 * Accept-Language, then English. Pages carry `lang` and every string comes from the catalogue.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { users } from '../../../db/schema';
import { Client, makeTestApp, signUp, type TestApp } from '../../helpers/app';

let testApp: TestApp;
beforeEach(async () => {
  testApp = await makeTestApp();
});
afterEach(async () => {
  await testApp.close();
});

const KOREAN_INTRO = '한 권의 책을 장마다 함께 읽고';
const ENGLISH_INTRO = 'Read one book together, chapter by chapter';

async function home(client: Client) {
  const response = await client.get('/');
  return { response, html: await response.text() };
}

const localeOf = async (username: string) => (await testApp.db.select({ locale: users.locale }).from(users).where(eq(users.usernameKey, username)))[0]?.locale;

describe('choosing the language', () => {
  it.each([
    ['ko-KR,ko;q=0.9', 'ko'],
    ['ko', 'ko'],
    ['en-US,en;q=0.9,ko;q=0.8', 'en'],
    ['fr-FR,fr;q=0.9,ko;q=0.5,en;q=0.4', 'ko'],
    ['de-DE', 'en'],
    ['', 'en'],
  ])('Accept-Language %j gives %s', async (acceptLanguage, expected) => {
    const { response, html } = await home(new Client(testApp, { acceptLanguage: acceptLanguage || undefined }));
    expect(response.status).toBe(200);
    expect(html).toContain(`<html lang="${expected}">`);
    expect(response.headers.get('content-language')).toBe(expected);
    expect(response.headers.get('vary')).toMatch(/Accept-Language/);
    expect(html).toContain(expected === 'ko' ? KOREAN_INTRO : ENGLISH_INTRO);
    expect(html).not.toContain(expected === 'ko' ? ENGLISH_INTRO : KOREAN_INTRO);
  });

  it('shows Korean navigation and forms to a Korean browser', async () => {
    const client = new Client(testApp, { acceptLanguage: 'ko-KR,ko;q=0.9' });
    const { html } = await home(client);
    expect(html).toContain('>로그인</a>');
    expect(html).toContain('>가입하기</a>');
    expect(html).toContain('<title>홈 · 마지널리아</title>');
    const register = await (await client.get('/register')).text();
    expect(register).toContain('<h1>계정 만들기</h1>');
    expect(register).toContain('표시 이름');
  });

  it('the account setting overrides Accept-Language', async () => {
    const client = await signUp(testApp, 'minji', { acceptLanguage: 'en-US,en;q=0.9' });
    expect((await home(client)).html).toContain('<html lang="en">');
    await client.post('/account/profile', { displayName: 'Minji', locale: 'ko', timeZone: '' });
    const { html } = await home(client);
    expect(html).toContain('<html lang="ko">');
    expect(html).toContain('Minji님, 어서 오세요.');

    // Follow the browser again.
    await client.post('/account/profile', { displayName: 'Minji', locale: '', timeZone: '' });
    expect((await home(client)).html).toContain('<html lang="en">');
  });

  it('the switch, signed out, keeps the choice in a cookie and returns to the same page', async () => {
    const client = new Client(testApp, { acceptLanguage: 'en-US' });
    const response = await client.post('/locale', { locale: 'ko', next: '/login?next=%2Faccount' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Faccount');
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('marginalia_lang=ko'));
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await home(client)).html).toContain('<html lang="ko">');

    await client.post('/locale', { locale: 'en', next: '/' });
    const korean = new Client(testApp, { acceptLanguage: 'ko' });
    await korean.post('/locale', { locale: 'en', next: '/' });
    expect((await home(korean)).html).toContain('<html lang="en">');
  });

  it('the switch, signed in, saves the choice on the account for every device', async () => {
    const client = await signUp(testApp, 'minji', { acceptLanguage: 'en-US' });
    await client.post('/locale', { locale: 'ko', next: '/' });
    expect(await localeOf('minji')).toBe('ko');

    const otherDevice = new Client(testApp, { acceptLanguage: 'en-US' });
    await otherDevice.post('/login', { username: 'minji', password: 'correct horse battery' });
    expect((await home(otherDevice)).html).toContain('<html lang="ko">');
  });

  it('ignores an unknown language from the switch or a cookie, and never redirects off-site', async () => {
    const client = new Client(testApp);
    const response = await client.post('/locale', { locale: 'xx', next: 'https://evil.example/' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(client.cookies.has('marginalia_lang')).toBe(false);
    client.cookies.set('marginalia_lang', 'fr');
    expect((await home(client)).html).toContain('<html lang="en">');
  });

  it('the switch marks the current language as selected', async () => {
    const { html } = await home(new Client(testApp, { acceptLanguage: 'ko' }));
    expect(html).toContain('<option value="ko" selected="">한국어</option>');
    expect(html).toMatch(/<form method="post" action="\/locale"[^>]*><input type="hidden" name="next" value="\/"/);
  });

  it('on a refused form (a page drawn for a POST), the switch returns to the page the form was on', async () => {
    const client = await signUp(testApp, 'minji');
    const nextOf = async (response: Response) => {
      expect(response.status).toBe(422);
      return /name="next" value="([^"]*)"/.exec(await response.text())?.[1];
    };
    const profile = { displayName: '', locale: 'ko', timeZone: 'Nowhere/Else' };
    expect(await nextOf(await client.post('/account/profile', profile, { referer: 'http://localhost/account?tab=profile' }))).toBe('/account?tab=profile');
    // No Referer (a browser told not to send it): the home page, never the POST's own address.
    expect(await nextOf(await client.post('/account/profile', profile))).toBe('/');
    // A GET page still returns to itself.
    expect(/name="next" value="([^"]*)"/.exec(await (await client.get('/account?tab=x')).text())?.[1]).toBe('/account?tab=x');
  });
});

describe('error pages in the reader’s language', () => {
  it.each([
    ['en', 'Page not found', 'There is nothing at this address.'],
    ['ko', '페이지를 찾을 수 없어요', '이 주소에는 아무것도 없어요.'],
  ])('404 in %s', async (acceptLanguage, title, body) => {
    const response = await new Client(testApp, { acceptLanguage }).get('/missing');
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain(`<html lang="${acceptLanguage}">`);
    expect(html).toContain(`<h1>${title}</h1>`);
    expect(html).toContain(body);
  });

  it('403 follows the account setting', async () => {
    const client = await signUp(testApp, 'minji');
    await client.post('/locale', { locale: 'ko', next: '/' });
    const response = await testApp.app.request('/logout', { method: 'POST', headers: { cookie: client.cookieHeader, 'accept-language': 'en', 'sec-fetch-site': 'cross-site' } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<h1>허용되지 않아요</h1>');
  });

  it('500 follows the account setting', async () => {
    testApp.app.get('/explode', () => {
      throw new Error('kaboom');
    });
    const client = await signUp(testApp, 'minji');
    await client.post('/locale', { locale: 'ko', next: '/' });
    const response = await client.get('/explode');
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain('<h1>문제가 생겼어요</h1>');
    expect(html).toContain(`참조 번호 ${response.headers.get('x-request-id')}`);
    expect(html).not.toContain('kaboom');
  });
});
