/**
 * GET /api/inventory/feed: the live feed as server-sent events. `stock` events carry a changed
 * count, `alert` events a stock alert, `ready` says the feed is following (a reconnecting page
 * reloads what it shows then, so it misses nothing while it was away). A comment every
 * `heartbeatMs` keeps the load balancer's idle timeout away; the stream ends when the token
 * expires (the page reconnects with a fresh one) and when the service shuts down.
 */
import { bearerAuth, problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FeedEvent, StockFeed } from '../stock-feed.ts';

export interface FeedRoutesOptions {
  readonly feed: StockFeed;
  readonly heartbeatMs?: number;
  /** a browser that reads slower than this many buffered bytes is dropped (it reconnects and reloads) */
  readonly maxBufferedBytes?: number;
}

function serverEvent(event: FeedEvent): string {
  const { type, ...data } = event;
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const feedRoutes: FastifyPluginAsyncTypebox<FeedRoutesOptions> = async (app, options) => {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  app.addHook('onClose', async () => options.feed.close());

  app.get(
    '/api/inventory/feed',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['inventory'],
        summary: 'Live stock changes and alerts (text/event-stream: `ready`, `stock`, `alert` events)',
        security: bearerAuth,
        response: {
          200: {
            description: 'A server-sent event stream that stays open',
            content: {
              'text/event-stream': {
                // One server-sent event: `ready`, `stock` or `alert`, its data JSON.
                schema: Type.Object({
                  event: Type.Optional(Type.String()),
                  data: Type.Optional(Type.String()),
                  id: Type.Optional(Type.String()),
                  retry: Type.Optional(Type.Integer()),
                }),
              },
            },
          },
          ...problemResponses(401, 503),
        },
      },
    },
    async (request, reply) => {
      const raw = reply.raw;
      let started = false;
      const pending: FeedEvent[] = [];
      const write = (chunk: string) => {
        if (raw.writableEnded || raw.destroyed) return;
        raw.write(chunk);
        if (raw.writableLength > maxBufferedBytes) end();
      };
      const unsubscribe = await options.feed.subscribe((events) => {
        if (started) write(events.map(serverEvent).join(''));
        else pending.push(...events);
      });
      let ended = false;
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
      const expiresAt = ((request.user as { exp?: number }).exp ?? 0) * 1000;
      const expiry = setTimeout(() => end(), Math.max(1_000, Math.min(expiresAt - Date.now(), 2 ** 31 - 1)));
      function end() {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe();
        open.delete(end);
        if (!raw.writableEnded) raw.end();
      }
      open.add(end);
      raw.on('close', end);

      reply.hijack();
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      started = true;
      write(`retry: 2000\n\nevent: ready\ndata: {}\n\n${pending.map(serverEvent).join('')}`);
    },
  );
};
