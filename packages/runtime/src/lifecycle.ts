/**
 * Starting and stopping a service process. On SIGTERM or SIGINT: /ready turns 503, the server
 * stops accepting connections, in-flight requests finish, clients close, and the process exits 0.
 * If that takes longer than the timeout, it exits 1 rather than hang a deployment.
 */
import { Socket } from 'node:net';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { stopProcessMetrics } from './metrics.ts';
import { stopTracing } from './tracing.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** True once a graceful shutdown has begun: /ready answers 503 so the load balancer drains us. */
    shuttingDown: boolean;
  }
}

/**
 * Once shutdown begins, every response asks the client to close its connection, so keep-alive
 * connections don't hold the server open after their last request.
 */
export function closeConnectionsWhenDraining(app: FastifyInstance): void {
  if (!app.hasDecorator('shuttingDown')) app.decorate('shuttingDown', false);
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * Lingering close, for a body refused before it was all read (a 413 on Content-Length alone, a
 * body that fails to parse). Fastify answers those with `Connection: close`, and Node then closes
 * the socket at once (`socket.destroySoon()`) while the body is still arriving: the unread bytes
 * make the close a reset (RST), which can throw the answer away before the client, a load
 * balancer, has read it (so the user sees a 502, or a proxy's client a cut answer, instead of the
 * 413). So the rest of the body is read and dropped, and the socket is closed once the body has
 * all arrived, or after `lingerMs` at most.
 *
 * The answer keeps its `Connection: close`: a connection the server is about to close must say so
 * in the answer (RFC 9112 §9.6), or the client (the gateway's pool, an ALB) takes it back as idle,
 * sends its next request on it, and meets the close instead of an answer: undici's "other side
 * closed", a 502 for a POST it may not retry. Only Node's immediate close is replaced, on this socket.
 */
export function lingerOnRefusedBodies(app: FastifyInstance, lingerMs = 5000): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const incoming = request.raw;
    const socket = incoming.socket;
    // (an injected request has no connection to linger on)
    if (!(socket instanceof Socket) || incoming.complete || reply.getHeader('connection') !== 'close') {
      return done(null, payload);
    }
    // Node calls it once the `Connection: close` answer is written (a duck-typed hook of its HTTP server).
    socket.destroySoon = () => {
      const timer = setTimeout(() => socket.destroy(), lingerMs);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
      const close = () => {
        clearTimeout(timer);
        socket.end();
      };
      if (incoming.complete) close();
      else incoming.once('end', close);
      incoming.resume();
    };
    done(null, payload);
  });
}

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly shutdownTimeoutMs: number;
  /** Runs once shutdown begins, before the server closes: finish or hand back the work in hand. */
  readonly onShutdown?: () => Promise<void> | void;
  /** Runs after the server has closed: release clients, flush (the spans still batched are sent after it). */
  readonly onClose?: () => Promise<void> | void;
}

export async function serve(app: FastifyInstance, options: ServeOptions): Promise<void> {
  closeWithGrace({ delay: options.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'stopping after an unexpected error');
    else app.log.info({ signal }, 'graceful shutdown started');
    app.shuttingDown = true;
    await options.onShutdown?.();
    await app.close();
    await options.onClose?.();
    stopProcessMetrics();
    await stopTracing();
    app.log.info('graceful shutdown complete');
  });
  await app.listen({ port: options.port, host: options.host });
}
