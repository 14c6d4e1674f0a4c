/**
 * A live feed: server-sent events (the inventory's stock changes and alerts, the forum's topics
 * and messages), read with fetch (so a token goes in a header, never in the URL) and reconnected
 * with a growing delay.
 */
import { errorFrom } from './api.ts';
import { createEventParser, type ServerEvent } from './sse.ts';

export type FeedState = 'connecting' | 'live' | 'reconnecting';

export interface FeedHandlers {
  readonly onEvent: (event: ServerEvent) => void;
  readonly onState: (state: FeedState) => void;
  /** the token was refused: the session is over */
  readonly onUnauthorized?: (message: string) => void;
}

/** Follows the event stream at `path` until the returned function is called. */
export function openFeed(path: string, handlers: FeedHandlers, token?: string): () => void {
  const controller = new AbortController();
  let delay = 1_000;

  const connect = async () => {
    while (!controller.signal.aborted) {
      handlers.onState(delay === 1_000 ? 'connecting' : 'reconnecting');
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (token) headers.authorization = `Bearer ${token}`;
        const response = await fetch(path, {
          headers,
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401 && handlers.onUnauthorized) {
          handlers.onUnauthorized((await errorFrom(response)).message);
          return;
        }
        if (!response.ok || !response.body) throw await errorFrom(response);
        handlers.onState('live');
        delay = 1_000;
        const parse = createEventParser(handlers.onEvent);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parse(value);
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      handlers.onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  };
  void connect();
  return () => controller.abort();
}
