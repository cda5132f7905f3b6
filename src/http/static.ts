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
import { Hono, type Context } from 'hono';
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
  '.html': 'text/html; charset=utf-8',
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
    'comments.js': join(viewsStatic, 'comments.js'),
    'upload.js': join(viewsStatic, 'upload.js'),
    'progress.js': join(viewsStatic, 'progress.js'),
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

/** Serves one in-memory asset, gzipped when the client accepts it. */
function sendAsset(c: Context<AppEnv>, asset: Asset, cacheControl: string) {
  c.header('Content-Type', asset.type);
  c.header('Cache-Control', cacheControl);
  c.header('Vary', 'Accept-Encoding');
  if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
    c.header('Content-Encoding', 'gzip');
    return c.body(asset.gzip);
  }
  return c.body(asset.body);
}

/**
 * `/static/<name>` for our assets and, when `filesDir` is set, `/files/<name>` for the files in
 * that folder (read on first request, then kept in memory). The benchmark uses `/files` to
 * measure the fastest the app can send a page's bytes.
 */
export function staticRoutes(filesDir = ''): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/static/:name', (c) => {
    const asset = allAssets().get(c.req.param('name'));
    if (!asset) return c.notFound();
    return sendAsset(c, asset, 'public, max-age=31536000, immutable');
  });
  if (filesDir) {
    const files = new Map<string, Asset>();
    app.get('/files/:name{[A-Za-z0-9._-]+}', (c) => {
      const name = c.req.param('name');
      let asset = files.get(name);
      if (!asset) {
        try {
          asset = load(join(filesDir, name));
        } catch {
          return c.notFound();
        }
        files.set(name, asset);
      }
      return sendAsset(c, asset, 'public, max-age=60');
    });
  }
  return app;
}
