/**
 * GET /api/inventory/feed: the live feed as server-sent events. `stock` events carry a changed
 * count, `alert` events a stock alert, `ready` says the feed is following (a reconnecting page
 * reloads what it shows then, so it misses nothing while it was away). A comment every
 * `heartbeatMs` keeps the load balancer's idle timeout away; the stream ends when the token
 * expires (the page reconnects with a fresh one), when the service shuts down, and when the
 * task may have missed changes (its queue was remade, or the stock relay restarted).
 */
import { type EventStreamSettings, eventStreams, serverSentEvent } from '@agora/runtime/event-stream';
import { bearerAuth, problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FeedEvent, StockFeed } from '../stock-feed.ts';

export interface FeedRoutesOptions {
  readonly feed: StockFeed;
  readonly streams?: Partial<EventStreamSettings>;
}

function feedEvent(event: FeedEvent): string {
  const { type, ...data } = event;
  return serverSentEvent(type, data);
}

export const feedRoutes: FastifyPluginAsyncTypebox<FeedRoutesOptions> = async (app, options) => {
  const streams = eventStreams(app, options.streams);

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
      const pending: FeedEvent[] = [];
      let stream: ReturnType<typeof streams.open> | undefined;
      const unsubscribe = await options.feed.subscribe({
        receive: (events) => {
          if (stream) stream.send(events.map(feedEvent).join(''));
          else pending.push(...events);
        },
        reset: () => stream?.end(),
      });
      const expiresAt = ((request.user as { exp?: number }).exp ?? 0) * 1000;
      stream = streams.open(reply, {
        first: `event: ready\ndata: {}\n\n${pending.map(feedEvent).join('')}`,
        endAt: expiresAt,
        onEnd: unsubscribe,
      });
    },
  );
};
