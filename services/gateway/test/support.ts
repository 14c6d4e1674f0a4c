/** Test helpers: gateways over real sockets, fake upstreams, raw HTTP requests. */

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { after } from 'node:test';
import type { WebAppFiles } from '@agora/dashboard/serve';
import { capturedLogger } from '@agora/tools/testing/testing';
import type { FastifyInstance } from 'fastify';
import { buildGateway, type GatewayLimits } from '../src/app.ts';
import { TargetGroup, type TargetGroupSettings } from '../src/target-group.ts';

export const fastChecks: TargetGroupSettings = {
  healthCheckPath: '/ready',
  healthCheckIntervalMs: 50,
  healthCheckTimeoutMs: 500,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
  deregistrationDelayMs: 2000,
  upstreamTimeoutMs: 5000,
};

export interface TestGateway {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly port: number;
  readonly groups: Map<string, TargetGroup>;
  readonly lines: () => Record<string, unknown>[];
}

export async function startGateway(
  upstreams: ReadonlyMap<string, string | string[]>,
  options: { limits?: Partial<GatewayLimits>; settings?: Partial<TargetGroupSettings>; webApp?: WebAppFiles } = {},
): Promise<TestGateway> {
  const { logger, lines } = capturedLogger('gateway');
  const settings = { ...fastChecks, ...options.settings };
  const groups = new Map(
    [...upstreams].map(([service, urls]) => {
      const group = new TargetGroup(service, settings, logger);
      for (const url of [urls].flat()) group.register(url);
      return [service, group] as const;
    }),
  );
  const app = await buildGateway({
    targetGroups: groups,
    logger,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.webApp ? { webApp: options.webApp } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  after(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, port, groups, lines };
}

export async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function closedPort(): Promise<string> {
  // Not a freed ephemeral port: a test running in parallel may listen on it a moment later (its
  // port-0 listener gets one from the same range), and the "down" service then answers. A port
  // below the kernel's ephemeral range is one no port-0 listener is ever given; it is checked closed.
  const [ephemeralStart] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/);
  for (let port = Number(ephemeralStart) - 1; port > 1024; port -= 97) {
    if (await refuses(port)) return `http://127.0.0.1:${port}`;
  }
  throw new Error('no closed loopback port below the ephemeral range');
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends `head` (and `body`) as written, byte for byte, on a fresh connection; reads one answer. */
export function rawRequest(port: number, head: string, body = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head + body));
    let text = '';
    socket.setEncoding('latin1');
    const parse = (): RawAnswer | undefined => {
      // skip interim answers (100 Continue)
      const final = text.replace(/^(HTTP\/1\.1 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      const end = final.indexOf('\r\n\r\n');
      if (end === -1) return undefined;
      const [statusLine = '', ...headerLines] = final.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      let rest = final.slice(end + 4);
      if (headers['transfer-encoding'] === 'chunked') {
        if (!rest.endsWith('0\r\n\r\n')) return undefined;
        let decoded = '';
        while (rest.length > 0) {
          const lineEnd = rest.indexOf('\r\n');
          const size = Number.parseInt(rest.slice(0, lineEnd), 16);
          if (size === 0) break;
          decoded += rest.slice(lineEnd + 2, lineEnd + 2 + size);
          rest = rest.slice(lineEnd + 2 + size + 2);
        }
        rest = decoded;
      } else if (rest.length < Number(headers['content-length'] ?? 0)) return undefined;
      return { status: Number(statusLine.split(' ')[1]), headers, body: rest };
    };
    socket.on('data', (chunk) => {
      text += chunk;
      const answer = parse();
      if (answer) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`the connection closed before a whole answer: ${JSON.stringify(text)}`)));
  });
}
