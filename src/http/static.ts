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
    'favicon.svg': join(viewsStatic, 'favicon.svg'),
    'print.css': join(viewsStatic, 'print.css'),
    'annotated-edition.css': join(viewsStatic, 'annotated-edition.css'),
    'reader.js': join(viewsStatic, 'reader.js'),
    'passage.js': join(viewsStatic, 'passage.js'),
    'comments.js': join(viewsStatic, 'comments.js'),
    'upload.js': join(viewsStatic, 'upload.js'),
    'progress.js': join(viewsStatic, 'progress.js'),
    'live.js': join(viewsStatic, 'live.js'),
    // The reading-progress rule is logic the server runs too, so it lives with the clubs area.
    'progress-rule.js': resolve(here, '../clubs/progress-rule.js'),
    'paragraph-actions.js': join(viewsStatic, 'paragraph-actions.js'),
    'swap-focus.js': join(viewsStatic, 'swap-focus.js'),
    'htmx.min.js': htmx,
    'hx-sse.js': join(dirname(htmx), 'ext/hx-sse.min.js'),
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

/**
 * The response for one in-memory asset, gzipped when the client accepts it. Built as a plain
 * `Response` with a plain header object so `@hono/node-server` writes it without copying; these
 * routes run before the page middleware, so the security headers are included here.
 */
function assetResponse(request: Request, asset: Asset, headers: Readonly<Record<string, string>>, cacheControl: string): Response {
  const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
  return new Response(gzip ? asset.gzip : asset.body, {
    headers: {
      ...headers,
      'Content-Type': asset.type,
      'Cache-Control': cacheControl,
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    },
  });
}

/**
 * `/static/<name>` for our assets and, when `filesDir` is set, `/files/<name>` for the files in
 * that folder (read on first request, then kept in memory). The benchmark uses `/files` to
 * measure the fastest the app can send a page's bytes. Unknown names fall through to the
 * app's translated 404 page.
 */
export function staticRoutes(headers: Readonly<Record<string, string>>, filesDir = ''): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/static/:name', (c, next) => {
    const asset = allAssets().get(c.req.param('name'));
    return asset ? assetResponse(c.req.raw, asset, headers, 'public, max-age=31536000, immutable') : next();
  });
  // Browsers ask for /favicon.ico on their own (feed readers, a PDF of the page): the same icon.
  app.get('/favicon.ico', (c, next) => {
    const asset = allAssets().get('favicon.svg');
    return asset ? assetResponse(c.req.raw, asset, headers, 'public, max-age=86400') : next();
  });
  if (filesDir) {
    const files = new Map<string, Asset | null>();
    app.get('/files/:name{[A-Za-z0-9._-]+}', (c, next) => {
      const name = c.req.param('name');
      if (!files.has(name)) {
        try {
          files.set(name, load(join(filesDir, name)));
        } catch {
          files.set(name, null);
        }
      }
      const asset = files.get(name);
      return asset ? assetResponse(c.req.raw, asset, headers, 'public, max-age=60') : next();
    });
  }
  return app;
}
