import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_UPLOAD_BYTES, loadConfig, testConfig } from '../../../src/config';

describe('loadConfig', () => {
  it('works with an empty environment, as on a fresh machine', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      origin: 'http://localhost:3000',
      databasePath: 'data/marginalia.db',
      contentDir: 'content',
      importContent: true,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
      logRequests: true,
      trustProxy: false,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      ORIGIN: 'https://books.example/',
      DATABASE_PATH: '/var/lib/marginalia/db.sqlite',
      CONTENT_DIR: 'shelf',
      IMPORT_CONTENT: 'false',
      MAX_BODY_BYTES: '1000',
      MAX_UPLOAD_BYTES: '2000',
      LOG_REQUESTS: 'false',
      TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      origin: 'https://books.example',
      databasePath: '/var/lib/marginalia/db.sqlite',
      contentDir: 'shelf',
      importContent: false,
      maxBodyBytes: 1000,
      maxUploadBytes: 2000,
      logRequests: false,
      trustProxy: true,
    });
  });

  it('derives the origin from host and port', () => {
    expect(loadConfig({ PORT: '4000' }).origin).toBe('http://localhost:4000');
    expect(loadConfig({ HOST: '0.0.0.0' }).origin).toBe('http://localhost:3000');
    expect(loadConfig({ HOST: '192.168.1.5', PORT: '80' }).origin).toBe('http://192.168.1.5:80');
  });

  it('refuses numbers that are not whole and non-negative', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/whole number/);
    expect(() => loadConfig({ MAX_BODY_BYTES: '-1' })).toThrow(/whole number/);
  });

  it('trusts X-Forwarded-For only when told to', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(false);
  });

  it('runs on the SQLite file unless DATABASE_URL names a PostgreSQL database, and refuses any other URL', () => {
    expect(loadConfig({}).databaseUrl).toBeNull();
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeNull();
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db.internal:5432/marginalia' }).databaseUrl).toBe('postgres://app@db.internal:5432/marginalia');
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/marginalia' }).databaseUrl).toBe('postgresql://localhost/marginalia');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://secret:pw@localhost/marginalia' })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
    // The refusal names the scheme, never the credentials.
    expect(() => loadConfig({ DATABASE_URL: 'mysql://secret:pw@localhost/marginalia' })).not.toThrow(/secret|pw@/);
  });

  it('documents limits that fit each other', () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(64 * 1024);
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBeGreaterThan(DEFAULT_MAX_BODY_BYTES);
  });
});

describe('testConfig', () => {
  it('is explicit and takes overrides', () => {
    expect(testConfig().origin).toBe('http://localhost:3000');
    expect(testConfig({ maxBodyBytes: 10 }).maxBodyBytes).toBe(10);
    expect(testConfig().databaseUrl).toBeNull();
  });
});
