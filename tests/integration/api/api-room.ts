/**
 * The API tests' room: the annotations room (a three-chapter book, a club reading it, a
 * client per role) with a personal access token for each signed-in reader, created through the
 * tokens page as a reader would, and a tiny client for the API. Not a test file itself.
 */
import type { Client, TestApp } from '../../helpers/app';
import { makeRoom, type AnnotationRoom } from '../annotations/room';

export type Who = 'owner' | 'moderator' | 'alice' | 'bob' | 'outsider';
export const EVERYONE: readonly Who[] = ['owner', 'moderator', 'alice', 'bob', 'outsider'];

export interface ApiRoom extends AnnotationRoom {
  /** A `read write` token per reader. */
  tokens: Record<Who, string>;
}

/** Creates a token through the page and reads it from the answer (the one time it is shown). */
export async function createToken(client: Client, fields: { name?: string; scope?: 'read' | 'read write'; expiry?: string } = {}): Promise<string> {
  const response = await client.post('/account/tokens', { name: fields.name ?? 'script', scope: fields.scope ?? 'read write', expiry: fields.expiry ?? '' });
  const html = await response.text();
  const token = /id="new-token"[^>]*>\s*(mgl_[a-z2-7]{32})/.exec(html)?.[1];
  if (response.status !== 200 || !token) throw new Error(`token creation failed with ${response.status}`);
  return token;
}

export async function makeApiRoom(options: Parameters<typeof makeRoom>[0] = {}): Promise<ApiRoom> {
  const room = await makeRoom(options);
  const tokens = {} as Record<Who, string>;
  for (const who of EVERYONE) tokens[who] = await createToken(room[who]);
  return { ...room, tokens };
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  contentType: string;
}

/** One API request with a bearer token (no cookies, no fetch metadata: like curl). */
export async function api(testApp: TestApp, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const init: RequestInit & { headers: Record<string, string> } = { method, headers: { ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await testApp.app.request(`/api/v1${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text), contentType: response.headers.get('content-type') ?? '' };
}
