/**
 * RFC 9457 problem details: every error of the JSON API is `application/problem+json` with
 * `type`, `title` (the status phrase), `status`, `detail` in the reader's language, and for a
 * refused body `errors` (a JSON pointer into the request and what is wrong there). A 401 says
 * `WWW-Authenticate: Bearer`; a 429 says `Retry-After`.
 *
 * @example
 * return problem(c, 404, t('api.problem.not_found'));
 * throw new ApiProblem(403, 'api.problem.insufficient_scope');
 */
import type { Context } from 'hono';
import type { MessageKey, MessageParams } from '../i18n';

export const PROBLEM_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}

/** What is wrong with one field of a request body: a JSON pointer and a catalogue key. */
export interface FieldProblem {
  pointer: string;
  message: MessageKey;
  params?: MessageParams;
}

/** A refusal a handler throws; the API's error handler turns it into problem+json. */
export class ApiProblem extends Error {
  constructor(
    readonly status: ProblemStatus,
    readonly messageKey?: MessageKey,
    readonly params?: MessageParams,
    readonly extra: { fieldErrors?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(messageKey ?? String(status));
  }
}

export function problemBody(status: ProblemStatus, detail?: string, errors?: ProblemBody['errors']): ProblemBody {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) };
}

export function problem(c: Context, status: ProblemStatus, detail?: string, options: { errors?: ProblemBody['errors']; headers?: Record<string, string> } = {}): Response {
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_TYPE, 'Cache-Control': 'no-store', ...options.headers };
  return c.body(JSON.stringify(problemBody(status, detail, options.errors)), status, headers);
}
