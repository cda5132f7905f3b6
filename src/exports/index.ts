/**
 * The exports area's public face: its routes (a member's exports and import, the club's
 * annotated edition), its card on the club home, and the plain data its views draw.
 */
export { exportRoutes } from './routes';
export { exportsOnClubHome } from './club-pages';
export type * from './types';
