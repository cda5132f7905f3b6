/**
 * The account area's public face: members' rights — downloading one's data (`GET /account/export`)
 * and deleting one's account (`/account/delete`). See docs/account.md.
 */
export { accountRoutes } from './routes';
export { buildExport, EXPORT_VERSION } from './present';
export type { AccountExport, DeleteAccountView } from './types';
export { FORMER_MEMBER_NAME } from './queries';
