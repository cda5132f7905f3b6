import { describe, expect, it } from 'vitest';
import { parseId, safeNextPath } from '../../../src/http/forms';

describe('safeNextPath: where a form may send the reader back to', () => {
  it.each(['/', '/clubs/3', '/clubs/3/chapters/2?x=1#p-4', '/invite/abc'])('keeps our own path %s', (path) => {
    expect(safeNextPath(path)).toBe(path);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/ /evil.example',
    '/%09/evil.example'.replace('%09', '\u0009'),
    'evil.example',
    '',
    null,
    undefined,
  ])('refuses %j (browsers would leave the site or it is not a path)', (next) => {
    expect(safeNextPath(next, '/home')).toBe('/home');
  });
});

describe('parseId', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['123456789012345', 123456789012345],
  ])('reads %s', (text, id) => expect(parseId(text)).toBe(id));

  it.each(['0', '01', '-1', '1.5', '1e3', ' 1', '1234567890123456', 'abc', '', null, undefined])('refuses %j', (text) => {
    expect(parseId(text)).toBeNull();
  });
});
