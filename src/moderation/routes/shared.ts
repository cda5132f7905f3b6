import type { Context } from 'hono';
import type { AppEnv } from '../../http/types';

export type C = Context<AppEnv>;
