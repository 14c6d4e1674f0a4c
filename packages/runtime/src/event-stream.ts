/**
 * Server-sent event streams, as every live feed in Agora serves them: a `retry:` line, a comment
 * every `heartbeatMs` (keeps the load balancer's idle timeout away), a client that reads slower
 * than `maxBufferedBytes` is dropped (it reconnects and reloads), and every stream ends when the
 * service shuts down (preClose), so a draining task lets its browsers move to another.
 * What feeds them is a task's live feed (live-fanout.ts).
 */

import type { FastifyInstance, FastifyReply } from 'fastify';

/** One server-sent event: its name and its data as JSON on one line. */
export function serverSentEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface EventStreamSettings {
  readonly heartbeatMs: number;
  readonly maxBufferedBytes: number;
  /** how long a browser waits before it reconnects (the `retry:` line) */
  readonly retryMs: number;
}

export const defaultEventStreamSettings: EventStreamSettings = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  retryMs: 2_000,
};

export interface EventStream {
  send(chunk: string): void;
  end(): void;
  readonly ended: boolean;
}

export interface OpenStreamOptions {
  /** written right after the `retry:` line */
  readonly first?: string;
  /** the stream ends at this time (epoch ms), say when the token it was opened with expires */
  readonly endAt?: number;
  /** runs once, when the stream ends for any reason */
  readonly onEnd?: () => void;
}

export interface EventStreams {
  /** Takes the reply over (hijack) and answers 200 text/event-stream. */
  open(reply: FastifyReply, options?: OpenStreamOptions): EventStream;
  /** the streams open now */
  readonly size: number;
  endAll(): void;
}

/** The event streams of one app; they all end when it closes. */
export function eventStreams(app: FastifyInstance, settings: Partial<EventStreamSettings> = {}): EventStreams {
  const { heartbeatMs, maxBufferedBytes, retryMs } = { ...defaultEventStreamSettings, ...settings };
  const open = new Set<EventStream>();
  app.addHook('preClose', async () => {
    for (const stream of [...open]) stream.end();
  });

  return {
    get size() {
      return open.size;
    },
    endAll() {
      for (const stream of [...open]) stream.end();
    },
    open(reply, options = {}) {
      const raw = reply.raw;
      let ended = false;
      const send = (chunk: string) => {
        if (ended || raw.writableEnded || raw.destroyed) return;
        raw.write(chunk);
        if (raw.writableLength > maxBufferedBytes) stream.end();
      };
      const heartbeat = setInterval(() => send(': keep-alive\n\n'), heartbeatMs);
      const expiry =
        options.endAt === undefined
          ? undefined
          : setTimeout(() => stream.end(), Math.max(1_000, Math.min(options.endAt - Date.now(), 2 ** 31 - 1)));
      const stream: EventStream = {
        send,
        get ended() {
          return ended;
        },
        end() {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          clearTimeout(expiry);
          open.delete(stream);
          options.onEnd?.();
          if (!raw.writableEnded) raw.end();
        },
      };
      open.add(stream);
      raw.on('close', () => stream.end());
      reply.hijack();
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: ${retryMs}\n\n${options.first ?? ''}`);
      return stream;
    },
  };
}
