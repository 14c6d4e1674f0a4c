/**
 * Serves the built dashboard: `/` is the page, `/assets/*` its hashed files. The files are read
 * once at start-up (a few kilobytes). The page gets a strict Content-Security-Policy: its own
 * scripts, styles and API only, so it makes no third-party request and runs no injected script.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { problems } from '@agora/runtime/problem';
import type { FastifyPluginAsync, FastifyReply, FastifySchema } from 'fastify';
import { distDir as defaultDistDir } from './build.ts';

export interface DashboardRoutesOptions {
  /** the build output (packages/dashboard/dist by default) */
  readonly distDir?: string;
}

export const pagePolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

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

function send(reply: FastifyReply, file: StaticFile, ifNoneMatch: string | undefined, cacheControl: string) {
  reply.header('etag', file.etag).header('cache-control', cacheControl);
  if (ifNoneMatch === file.etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

// Not part of the API: kept out of the OpenAPI document (@fastify/swagger reads `hide`).
const hidden = { hide: true } as FastifySchema;

export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, options) => {
  const dir = options.distDir ?? defaultDistDir;
  const page = existsSync(join(dir, 'index.html')) ? await load(join(dir, 'index.html')) : undefined;
  const assets = new Map<string, StaticFile>();
  if (existsSync(join(dir, 'assets'))) {
    for (const name of await readdir(join(dir, 'assets'))) assets.set(name, await load(join(dir, 'assets', name)));
  }
  if (!page) app.log.warn({ dir }, 'the dashboard is not built: / answers 503');

  app.get('/', { schema: hidden }, async (request, reply) => {
    if (!page) throw problems.unavailable('The dashboard is not built: run `npm run build -w packages/dashboard`');
    reply.header('content-security-policy', pagePolicy);
    return send(reply, page, request.headers['if-none-match'], 'no-cache');
  });

  app.get<{ Params: { '*': string } }>('/assets/*', { schema: hidden }, async (request, reply) => {
    const file = assets.get(request.params['*']);
    if (!file) throw problems.notFound(`No dashboard asset ${request.params['*']}`);
    // Vite names every asset by its content hash: a name never changes meaning.
    return send(reply, file, request.headers['if-none-match'], 'public, max-age=31536000, immutable');
  });
};
