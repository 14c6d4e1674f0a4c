/**
 * GET /api/topics/live: the forum as it changes, as server-sent events, for anyone (no token:
 * it shows only what GET /api/topics shows). The contract the web app is built against:
 *
 * - `event: topic`, data: the topic exactly as GET /api/topics/:topicId returns it, when a topic
 *   is created or anything it shows changes (title, message count, latest activity);
 * - `event: topic-deleted`, data `{"topicId"}`;
 * - `event: message`, data `{"topicId","messageId","authorId","createdAt"}` when a message is posted;
 * - `event: message-deleted`, data `{"topicId","messageId"}`;
 * - a `retry:` line first, a comment (`: keep-alive`) every 15 s.
 * The stream ends when the task shuts down or may have missed events; the browser's EventSource
 * reconnects (to any task) and the page reloads what it shows. Events are at least once, in no
 * guaranteed order: a `topic` event with an older lastActivityAt than one already shown is stale.
 */
import { TopicSchema } from '@agora/catalogue/api-shapes';
import type { EventStreamSettings } from '@agora/runtime/event-stream';
import { eventStreams } from '@agora/runtime/event-stream';
import type { LiveFeed } from '@agora/runtime/live-fanout';
import { problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ForumLiveEvent } from '../live.ts';

export interface LiveRoutesOptions {
  readonly live: LiveFeed<ForumLiveEvent>;
  readonly streams?: Partial<EventStreamSettings>;
}

const LiveEvent = Type.Union(
  [
    Type.Object({ event: Type.Literal('topic'), data: TopicSchema }),
    Type.Object({ event: Type.Literal('topic-deleted'), data: Type.Object({ topicId: Type.String() }) }),
    Type.Object({
      event: Type.Literal('message'),
      data: Type.Object({
        topicId: Type.String(),
        messageId: Type.String(),
        authorId: Type.String(),
        createdAt: Type.String({ format: 'date-time' }),
      }),
    }),
    Type.Object({
      event: Type.Literal('message-deleted'),
      data: Type.Object({ topicId: Type.String(), messageId: Type.String() }),
    }),
  ],
  {
    description:
      'One server-sent event: `event: <name>` and `data: <JSON>` (the data shown here). A `retry:` line opens the stream; a comment line keeps it alive every 15 s.',
  },
);

export const liveRoutes: FastifyPluginAsyncTypebox<LiveRoutesOptions> = async (app, options) => {
  const streams = eventStreams(app, options.streams);

  // A static segment: find-my-way prefers it to /api/topics/:topicId, whatever the order.
  app.get(
    '/api/topics/live',
    {
      schema: {
        tags: ['topics'],
        summary: 'The forum as it changes (text/event-stream: `topic`, `topic-deleted`, `message`, `message-deleted`)',
        response: {
          200: {
            description: 'A server-sent event stream that stays open',
            content: { 'text/event-stream': { schema: LiveEvent } },
          },
          ...problemResponses(429, 503),
        },
      },
    },
    async (_request, reply) => {
      let unsubscribe = () => {};
      const pending: ForumLiveEvent[] = [];
      let stream: ReturnType<typeof streams.open> | undefined;
      unsubscribe = await options.live.subscribe({
        receive: (events) => {
          if (stream) stream.send(events.join(''));
          else pending.push(...events);
        },
        reset: () => stream?.end(),
      });
      stream = streams.open(reply, { first: pending.join(''), onEnd: () => unsubscribe() });
    },
  );
};
