/**
 * A small GET of a JSON document over node:http or node:https, for what a service fetches from
 * another one (the users service's JWKS). Not fetch(): the first fetch of a process loads Node's
 * whole bundled undici (~13 MB of RSS, tens of ms), which nothing else a service does needs.
 */
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Fails on a network error, a timeout (the whole exchange), an over-long body or one that is not JSON. */
export function getJson(url: string, options: { timeoutMs: number; maxBytes?: number }): Promise<JsonAnswer> {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const client = new URL(url).protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers: { accept: 'application/json' } });
    // one deadline for the whole exchange: a silent server and a trickled body both end here
    const deadline = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(deadline);
      reject(error);
    };
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > maxBytes) request.destroy(new Error(`the answer is longer than ${maxBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(deadline);
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          resolve({ status, body: undefined });
          return;
        }
        try {
          resolve({ status, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch {
          reject(new Error('the answer is not JSON'));
        }
      });
    });
  });
}
