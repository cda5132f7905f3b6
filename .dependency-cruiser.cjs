/**
 * The import rules of Marginalia, checked by `npm test` (`npm run check:deps`). See
 * docs/DEVELOPING.md ("Areas and their seams") for the why. In short:
 *
 * - an area (`src/<area>/`) imports another area only through its public module,
 *   `src/<area>/index.ts`; the shared layers (`src/http`, `src/i18n`, `src/events`, `src/lib`,
 *   `src/config.ts`) and `db/` may be imported by anyone, and import no area themselves;
 * - logic never imports views: only the modules that render (`src/app.tsx`, an area's
 *   `routes/` and `club-pages.tsx`, and `src/http/{page,errors}`) may import `views/`;
 * - views import areas only through their public modules, and never `db/connection`.
 */
const AREAS = '(auth|books|clubs|annotations|polls|moderation|account|search|live|clublife|exports|notifications|api)';
const SHARED = '^src/(http|i18n|events|lib)/|^src/config\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'area-through-its-index',
      comment: 'An area is used by others only through src/<area>/index.ts (its routes factory and the few functions and types it offers).',
      severity: 'error',
      from: { path: `^src/([^/]+)/` },
      to: { path: `^src/${AREAS}/(?!index\\.ts$)`, pathNot: ['^src/$1/'] },
    },
    {
      name: 'root-through-indexes',
      comment: 'src/app.tsx and src/server.ts compose the areas through their index.ts only.',
      severity: 'error',
      from: { path: '^src/(app\\.tsx|server\\.ts)$' },
      to: { path: `^src/${AREAS}/(?!index\\.ts$)` },
    },
    {
      name: 'shared-layers-know-no-area',
      comment: 'src/http, src/i18n, src/events and src/lib serve every area and so import none.',
      severity: 'error',
      from: { path: SHARED },
      to: { path: `^src/${AREAS}/` },
    },
    {
      name: 'logic-does-not-import-views',
      comment: 'Logic hands views plain data; only the modules that render may import views/.',
      severity: 'error',
      from: { path: '^src/', pathNot: [`^src/app\\.tsx$`, `^src/${AREAS}/routes(/|\\.tsx$)`, `^src/${AREAS}/club-pages\\.tsx$`, '^src/http/(page|errors)\\.tsx?$'] },
      to: { path: '^views/' },
    },
    {
      name: 'views-through-area-indexes',
      comment: 'Views take types (and a few constants) from an area\'s index.ts, never its other files, and never query.',
      severity: 'error',
      from: { path: '^views/' },
      to: { path: [`^src/${AREAS}/(?!index\\.ts$)`, '^db/connection'] },
    },
    {
      name: 'no-circular-areas',
      comment: 'Areas depend on each other in one direction only (see the diagram in README.md).',
      severity: 'error',
      from: { path: `^src/${AREAS}/` },
      to: { circular: true, path: `^src/${AREAS}/index\\.ts$`, viaOnly: { path: '^src/' } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|tests|bench|migrations)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
