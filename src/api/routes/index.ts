/**
 * The JSON API, `/api/v1`: authentication by personal access token, the routes, problem+json
 * errors and the OpenAPI 3.1 document generated from the routes' own zod schemas.
 *
 * `src/app.tsx` mounts it BEFORE the session loader and the same-origin check: cookies never
 * authenticate here (a request with only a session cookie is a 401), so there is nothing for
 * a cross-site form to ride on and the same-origin check has nothing to protect; a bearer
 * token is never sent by a browser on its own.
 *
 *   GET  /api/v1/openapi.json     the document (no token needed)
 *   every other route             `Authorization: Bearer mgl_…`; writes need the `read write` scope
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { HttpError } from '../../http/errors';
import type { PostingGate } from '../../http/guards';
import { limitBody } from '../../http/middleware';
import { storageFailure } from '../../http/storage-errors';
import type { AppEnv, AreaDeps } from '../../http/types';
import { negotiateLocale, translator, type MessageKey } from '../../i18n';
import { apiTokenCan } from '../policy';
import { ApiProblem, problem, type ProblemStatus } from '../problem';
import { tokenByHash, touchApiToken } from '../queries';
import { bearerTokenOf, hashApiToken } from '../tokens';
import { commentRoutes } from './comments';
import { pollRoutes } from './polls';
import { readingRoutes } from './reading';
import { json, type ApiContext, type ApiEnv } from './shared';

export const API_BASE = '/api/v1';
/** How often the token's "last used" time is written (every request would be a write per read). */
const LAST_USED_RESOLUTION_MS = 60_000;
const REALM = 'Bearer realm="marginalia"';

export function apiRoutes(deps: AreaDeps, postingGate?: PostingGate): Hono<AppEnv> {
  const { db, clock } = deps;
  const api = new OpenAPIHono<ApiEnv>({
    // A request the schemas refuse: a bad id in the path is a 404 like the pages' `parseId`,
    // anything else a 422 that points at what is wrong.
    defaultHook: (result, c) => {
      if (result.success) return;
      if (result.target === 'param') throw new ApiProblem(404, 'api.problem.not_found');
      const fieldErrors = result.error.issues.map((issue) => ({ pointer: `/${issue.path.map(String).join('/')}`, message: issue.message as MessageKey }));
      throw new ApiProblem(422, 'api.problem.validation', undefined, { fieldErrors });
    },
  });

  api.use(limitBody(deps.config.maxBodyBytes) as never);
  api.use(async (c, next) => {
    const locale = negotiateLocale(null, c.req.header('accept-language'));
    c.set('locale', locale);
    c.set('t', translator(locale));
    c.set('user', null);
    c.set('session', null);
    if (postingGate) c.set('postingGate', postingGate);
    c.header('Cache-Control', 'no-store');
    c.header('Vary', 'Authorization, Accept-Language');
    await next();
  });

  // Authentication: the bearer token, or 401. Then the per-token limit, then the scope.
  api.use(async (c, next) => {
    if (c.req.path === `${API_BASE}/openapi.json`) return next();
    const t = c.get('t');
    const bearer = bearerTokenOf(c.req.header('authorization'));
    if (!bearer.present) return problem(c, 401, t('api.problem.unauthorized'), { headers: { 'WWW-Authenticate': REALM } });
    const now = clock();
    const found = bearer.token ? await tokenByHash(db, hashApiToken(bearer.token)) : undefined;
    if (!found || !apiTokenCan(found.token, found.user, 'authenticate', now)) {
      return problem(c, 401, t('api.problem.invalid_token'), { headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` } });
    }
    const verdict = await deps.rateLimiters.apiPerToken.consume(`token:${found.token.id}`, now);
    if (!verdict.allowed) return problem(c, 429, t('error.429.body', { seconds: verdict.retryAfterSeconds }), { headers: { 'Retry-After': String(verdict.retryAfterSeconds) } });
    const reads = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!reads && !apiTokenCan(found.token, found.user, 'write', now)) {
      return problem(c, 403, t('api.problem.insufficient_scope'), { headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="read write"` } });
    }
    if (found.token.lastUsedAt === null || now - found.token.lastUsedAt >= LAST_USED_RESOLUTION_MS) await touchApiToken(db, found.token.id, now);
    const locale = negotiateLocale(found.user.locale, c.req.header('accept-language'));
    c.set('locale', locale);
    c.set('t', translator(locale));
    c.set('user', found.user);
    c.set('apiToken', found.token);
    await next();
  });

  readingRoutes(api, deps);
  commentRoutes(api, deps);
  pollRoutes(api, deps);

  const document = () =>
    api.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Marginalia API',
        version: '1.0.0',
        description:
          'The JSON API of a Marginalia reading room. Authenticate with a personal access token (`Authorization: Bearer mgl_…`, created on /account/tokens). Everything answers exactly as the pages do for the token’s owner: the same spoiler gate, the same rules. Errors are RFC 9457 problem details.',
      },
      servers: [{ url: API_BASE }],
      security: [{ bearer: [] }],
    });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'A personal access token (mgl_…)' });
  let cached: ReturnType<typeof document> | null = null;
  api.openapi(
    createRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This document',
      security: [],
      responses: { 200: json(z.object({ openapi: z.string() }).passthrough(), 'The OpenAPI 3.1 document') },
    }),
    (c) => {
      cached ??= document();
      return c.json(cached as unknown as { openapi: string }, 200);
    },
  );

  // Anything else under /api/v1 is a problem too, never the HTML error page.
  api.all('*', (c) => problem(c, 404, c.get('t')('api.problem.not_found')));

  api.onError((error, c) => answerError(deps, error, c as ApiContext));
  return api as unknown as Hono<AppEnv>;
}

function answerError(deps: AreaDeps, error: Error, c: ApiContext): Response {
  const t = c.get('t') ?? translator('en');
  if (error instanceof ApiProblem) {
    // Zod's own messages (a wrong type) are not catalogue keys: `t` gives those back as they are.
    const errors = error.extra.fieldErrors?.map((field) => ({ pointer: field.pointer, detail: t(field.message, field.params) }));
    return problem(c, error.status, error.messageKey ? t(error.messageKey, error.params) : undefined, { errors, headers: error.extra.headers });
  }
  if (error instanceof HttpError) {
    const status = error.status as ProblemStatus;
    if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
    const detail = error.messageKey ? t(error.messageKey, error.params) : status === 404 ? t('api.problem.not_found') : undefined;
    return problem(c, status, detail);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return problem(c, (error.status === 400 || error.status === 413 || error.status === 415 ? error.status : 400) as ProblemStatus, error.message || undefined);
  }
  const storage = storageFailure(error);
  deps.log?.({ level: 'error', requestId: c.get('requestId'), message: storage ? `storage ${storage}: ${error.message}` : error.message, stack: error.stack, path: c.req.path });
  return problem(c, storage ? 503 : 500);
}
