export * from './auth';
export * from './books';
export * from './clubs';
export * from './annotations';
export * from './polls';
export * from './moderation';
export * from './live';
