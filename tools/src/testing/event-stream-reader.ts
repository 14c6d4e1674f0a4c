/** Reads a server-sent event stream (a fetch Response) into arrays as it arrives, as a browser would parse it. */

export interface ServerSentEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

export interface EventStreamReader {
  readonly events: ServerSentEvent[];
  /** the `retry:` values seen */
  readonly retries: number[];
  comments(): number;
  ended(): boolean;
  /** resolves once the stream has ended */
  readonly reading: Promise<void>;
  /** closes the stream from the client's side */
  close(): void;
}

export function readEventStream(response: Response): EventStreamReader {
  const events: ServerSentEvent[] = [];
  const retries: number[] = [];
  let comments = 0;
  let ended = false;
  const body = response.body;
  if (!body) throw new Error('the response has no body');
  const reader = body.getReader();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let at = buffer.indexOf('\n\n');
        while (at !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          at = buffer.indexOf('\n\n');
          if (block.startsWith(':')) comments += 1;
          const retry = /^retry: (\d+)$/m.exec(block)?.[1];
          if (retry) retries.push(Number(retry));
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // cancelled by close()
    }
    ended = true;
  })();
  return {
    events,
    retries,
    comments: () => comments,
    ended: () => ended,
    reading,
    close: () => void reader.cancel().catch(() => {}),
  };
}
