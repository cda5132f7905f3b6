// Starts the mail thread (mail-thread.ts) in a worker thread, as the books area's import
// workers start (src/books/import/worker-boot.mjs): plain JavaScript, because a thread begins as
// bare Node.js; it registers tsx's loader for this thread, then loads the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./mail-thread.ts', import.meta.url).href);
