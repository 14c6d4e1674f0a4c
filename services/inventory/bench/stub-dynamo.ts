/**
 * A stand-in DynamoDB endpoint for request-cpu.ts, in its own process (so its CPU is not the
 * client's): answers every request with an empty BatchWriteItem result. `close` as the first
 * argument answers with `Connection: close` on every response, as the emulator (werkzeug) does;
 * otherwise connections are kept alive, as DynamoDB's are. Prints its port, exits with stdin.
 */
import { createServer } from 'node:http';

const close = process.argv[2] === 'close';
const body = Buffer.from('{"UnprocessedItems":{}}');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': body.length,
      ...(close ? { connection: 'close' } : {}),
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
