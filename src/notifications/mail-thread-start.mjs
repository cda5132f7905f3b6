// The mail thread's first module (plain JavaScript, so a thread can load it whoever started
// it): it makes sure TypeScript can be loaded here — the server runs under `node --import tsx`,
// which a thread may or may not inherit — then loads mail-thread.ts, which does the work.
try {
  await import('./mail-thread.ts');
} catch (error) {
  if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  const { register } = await import('tsx/esm/api');
  register();
  // A new URL: the failed attempt above stays cached under the plain one.
  await import('./mail-thread.ts?with-tsx');
}
