/**
 * The moderation area's public face: its routes, the audit log's subscriber, the posting gate
 * and join refusal `src/app.tsx` injects into the shared guard and the clubs area, and the
 * plain data its views draw.
 */
export { moderationRoutes } from './routes';
export { recordAudit } from './audit';
export { moderationJoinRefusal, moderationPostingGate } from './service';
export { moderationCan, adminCan } from './policy';
export type * from './types';
