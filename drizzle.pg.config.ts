import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL engine's migrations (docs/postgres.md): `npx drizzle-kit generate --config drizzle.pg.config.ts --name <area>`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg/index.ts',
  out: './migrations/pg',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/marginalia' },
});
