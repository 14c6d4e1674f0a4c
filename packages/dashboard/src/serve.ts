/**
 * Serves the built web app as CloudFront serves it from S3 on AWS (the gateway uses this
 * locally): hashed files under /assets/ cacheable for good, the page (index.html) revalidated on
 * every visit and answered for every client-side route (/topics/…, /inventory), under the strict
 * Content-Security-Policy the catalogue names. The files are read once at start-up (a few kB).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isAppPagePath, webApp, webContentSecurityPolicy } from '@agora/catalogue';
import { problems } from '@agora/runtime/problem';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { distDir as defaultDistDir } from './build.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

async function load(path: string): Promise<StaticFile> {
  const body = await readFile(path);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, type: contentTypes[extname(path)] ?? 'application/octet-stream', etag };
}

export interface WebAppFiles {
  readonly page: StaticFile | undefined;
  readonly assets: ReadonlyMap<string, StaticFile>;
}

/** Reads the build (packages/dashboard/dist by default); a missing build has no page. */
export async function loadWebApp(dir: string = defaultDistDir): Promise<WebAppFiles> {
  const page = existsSync(join(dir, 'index.html')) ? await load(join(dir, 'index.html')) : undefined;
  const assets = new Map<string, StaticFile>();
  const assetDir = join(dir, webApp.assetPrefix);
  if (existsSync(assetDir)) {
    for (const name of await readdir(assetDir)) assets.set(name, await load(join(assetDir, name)));
  }
  return { page, assets };
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string) {
  reply.header('etag', file.etag).header('cache-control', cacheControl);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

/** Answers a GET or HEAD for `path` (no query string) from the build. */
export function sendWebApp(files: WebAppFiles, path: string, request: FastifyRequest, reply: FastifyReply) {
  // On every answer, as CloudFront's response headers policy adds it to every S3 answer.
  reply.header('content-security-policy', webContentSecurityPolicy);
  if (path.startsWith(webApp.assetPrefix)) {
    const file = files.assets.get(path.slice(webApp.assetPrefix.length));
    if (file) return send(request, reply, file, webApp.assetCacheControl);
  } else if (isAppPagePath(path) || path === webApp.page) {
    if (files.page) return send(request, reply, files.page, webApp.pageCacheControl);
    throw problems.unavailable('The web app is not built: run `npm run build -w packages/dashboard`', 5);
  }
  throw problems.notFound(`No file ${path}`);
}
