/**
 * What the API's routes share: the environment (the token on the request), the error
 * responses every route documents, and turning the areas' refusals into problems.
 */
import type { Context } from 'hono';
import type { ApiToken } from '../../../db/schema';
import type { AppVariables, AreaDeps } from '../../http/types';
import type { MessageKey, MessageParams } from '../../i18n';
import { takePostingTokenFor, type PostingKind, type PostingRefusal } from '../../http/guards';
import { ApiProblem, PROBLEM_TYPE } from '../problem';
import { Problem } from '../schemas';

export interface ApiEnv {
  Variables: AppVariables & { apiToken: ApiToken };
}

export type ApiContext = Context<ApiEnv>;

const problemContent = { [PROBLEM_TYPE]: { schema: Problem } };

/** The error answers every authenticated route may give, for the OpenAPI document. */
export const ERRORS = {
  401: { description: 'No token, or an unknown, revoked or expired one (`WWW-Authenticate: Bearer`)', content: problemContent },
  403: { description: 'The token may not do this (scope), or its owner may not (the club’s rules)', content: problemContent },
  404: { description: 'Not there, or not yours to see (another club’s ids answer the same)', content: problemContent },
  429: { description: 'Too many requests (`Retry-After` says how many seconds to wait)', content: problemContent },
} as const;

/** …and those of a route that takes a body. */
export const WRITE_ERRORS = {
  ...ERRORS,
  400: { description: 'The body is not JSON', content: problemContent },
  413: { description: 'The body is too large', content: problemContent },
  422: { description: 'The body is not valid (`errors` says where)', content: problemContent },
} as const;

export const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** A path id already checked by the schema (digits only). */
export const idOf = (value: string) => Number(value);

/**
 * How a write through the API counts against the posting limit: the same gate (mutes, slow
 * mode, young accounts) and the same per-reader limit as the pages, with the club and the
 * kind of post named (the API's paths are not the pages'). Throws 429 (or the gate's 403).
 */
export function apiPosting(deps: AreaDeps, c: ApiContext, clubId: number, kind: PostingKind): () => Promise<void> {
  const take = apiPostingToken(deps, c, clubId, kind);
  return async () => {
    const refusal = await take();
    if (refusal) throw new ApiProblem(429, 'error.429.body', { seconds: refusal.seconds }, { headers: { 'Retry-After': String(refusal.seconds) } });
  };
}

/** {@link apiPosting} returning the refusal instead of throwing it (for the polls service). */
export function apiPostingToken(deps: AreaDeps, c: ApiContext, clubId: number, kind: PostingKind): () => Promise<PostingRefusal | null> {
  return () => takePostingTokenFor(c as unknown as Context, deps.rateLimiters.postingPerUser, { user: c.get('user')!, clubId, kind, now: deps.clock() });
}

/** A 422 whose `errors` points at one field of the body. */
export function invalidField(pointer: string, message: MessageKey, params?: MessageParams): ApiProblem {
  return new ApiProblem(422, 'api.problem.validation', undefined, { fieldErrors: [{ pointer, message, params }] });
}
