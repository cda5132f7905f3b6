// Starts the import worker (worker.ts) in a worker thread. Plain JavaScript because a worker
// thread begins as bare Node.js: it registers tsx's loader for this thread first, so the
// TypeScript entry runs the same under `tsx` (npm start), under vitest and from the CLI.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
