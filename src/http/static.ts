/**
 * Static assets: our CSS and scripts from `views/static`, htmx from `node_modules`.
 *
 * Files are read once at start-up and served from memory with a content hash in the URL
 * (`/static/app.css?v=1a2b3c4d`) and a one-year immutable cache lifetime: a changed file gets a
 * new URL, so browsers never keep a stale copy and never ask twice for a current one.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { AppEnv } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const viewsStatic = resolve(here, '../../views/static');
const require = createRequire(import.meta.url);

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  type: string;
  version: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function load(path: string): Asset {
  const body = new Uint8Array(readFileSync(path));
  const extension = path.slice(path.lastIndexOf('.'));
  return {
    body,
    gzip: new Uint8Array(gzipSync(body)),
    type: TYPES[extension] ?? 'application/octet-stream',
    version: createHash('sha256').update(body).digest('hex').slice(0, 10),
  };
}

/** Name in URLs → file on disk. Add a script here to serve it. */
function sources(): Record<string, string> {
  const htmx = join(dirname(require.resolve('htmx.org/package.json')), 'dist/htmx.min.js');
  return {
    'app.css': join(viewsStatic, 'app.css'),
    'print.css': join(viewsStatic, 'print.css'),
    'reader.js': join(viewsStatic, 'reader.js'),
    'passage.js': join(viewsStatic, 'passage.js'),
    'upload.js': join(viewsStatic, 'upload.js'),
    'htmx.min.js': htmx,
  };
}

let assets: Map<string, Asset> | undefined;

function allAssets(): Map<string, Asset> {
  if (!assets) {
    assets = new Map();
    for (const [name, path] of Object.entries(sources())) {
      try {
        assets.set(name, load(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
  return assets;
}

/** The versioned URL of a static asset, for use in views. */
export function assetUrl(name: string): string {
  const asset = allAssets().get(name);
  return asset ? `/static/${name}?v=${asset.version}` : `/static/${name}`;
}

export function staticRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/static/:name', (c) => {
    const asset = allAssets().get(c.req.param('name'));
    if (!asset) return c.notFound();
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(asset.gzip);
    }
    return c.body(asset.body);
  });
  return app;
}
