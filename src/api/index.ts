/**
 * The api area's public face: the JSON API (`/api/v1`, mounted by src/app.tsx before the
 * session loader: only bearer tokens authenticate it), the tokens page of the account, and the
 * plain data its view draws.
 */
export { API_BASE, apiRoutes } from './routes';
export { tokenPageRoutes } from './routes/tokens';
export type * from './types';
