import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { getJson } from '../src/http-get.ts';

async function serve(answer: (response: ServerResponse) => void): Promise<string> {
  const server = createServer((_request, response) => answer(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/doc.json`;
}

describe('getJson (what a service fetches from another)', () => {
  it('reads a JSON document, and a non-2xx status without its body', async () => {
    const ok = await serve((response) => response.writeHead(200).end('{"keys":[1]}'));
    assert.deepEqual(await getJson(ok, { timeoutMs: 2_000 }), { status: 200, body: { keys: [1] } });
    const down = await serve((response) => response.writeHead(503).end('<html>busy</html>'));
    assert.deepEqual(await getJson(down, { timeoutMs: 2_000 }), { status: 503, body: undefined });
  });

  it('fails on a body that is not JSON, one over the limit, a silent server and a refused connection', async () => {
    const notJson = await serve((response) => response.writeHead(200).end('<html>'));
    await assert.rejects(getJson(notJson, { timeoutMs: 2_000 }), /not JSON/);
    const huge = await serve((response) => response.writeHead(200).end(`[${'1,'.repeat(100_000)}1]`));
    await assert.rejects(getJson(huge, { timeoutMs: 2_000, maxBytes: 10_000 }), /longer than 10000 bytes/);
    const silent = await serve(() => {});
    await assert.rejects(getJson(silent, { timeoutMs: 200 }), /no answer within 200 ms/);
    const trickle = await serve((response) => {
      response.writeHead(200);
      response.write('{"keys":');
    });
    await assert.rejects(
      getJson(trickle, { timeoutMs: 300 }),
      /no answer within 300 ms/,
      'the whole exchange is bounded',
    );
    await assert.rejects(getJson('http://127.0.0.1:1/doc.json', { timeoutMs: 2_000 }), { code: 'ECONNREFUSED' });
  });
});
