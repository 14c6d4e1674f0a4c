/**
 * Server-sent events from a fetch body. EventSource cannot send an Authorization header, and the
 * token must not travel in a URL (URLs end up in logs), so the page reads the stream with fetch
 * and hands it to eventsource-parser (the WHATWG event-stream format: event, data, id, comments).
 */
import { createParser } from 'eventsource-parser';

export interface ServerEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** A function to feed the stream's text to, chunk by chunk; each complete event goes to `onEvent`. */
export function createEventParser(onEvent: (event: ServerEvent) => void): (chunk: string) => void {
  const parser = createParser({
    // As EventSource does: an event with no type is a 'message'.
    onEvent: ({ event, data, id }) => onEvent({ event: event ?? 'message', data, ...(id ? { id } : {}) }),
  });
  return (chunk) => parser.feed(chunk);
}
