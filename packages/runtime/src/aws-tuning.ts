/**
 * Per-request CPU the AWS SDK spends for nothing, cut through the clients' own configuration
 * (issue 18, target 3). Profiled per 1-row BatchWriteItem (services/inventory/bench/sdk-stages.ts),
 * the SDK's defaults spend most of a request's CPU signing it and around the signing:
 *  - `sha256`: the SDK's Hash builds every HMAC with `createHmac(alg, Buffer)`, which imports the
 *    key afresh each time (Node 24: ~18 µs); a KeyObject made once per key makes it ~4 µs. A
 *    signature takes two HMACs (the credentials' hash in the signing-key cache lookup, then the
 *    signature itself), both with keys that do not change all day.
 *  - the SigV4 signer: the default `signer` builds a new SignatureV4 (spreading the whole client
 *    config) for every request; it is built once per auth scheme here. The signer holds no
 *    per-request state, and the credentials are still resolved for every request (the provider is
 *    the client's own, memoised and refreshed as before).
 *  - the user agent: the default provider recomputes the same sections for every request; they
 *    are computed once (the middleware still escapes them and appends the per-call feature list).
 *  - recursionDetectionMiddleware: it copies Lambda's X-Ray trace id and trace context
 *    (AWS_LAMBDA_FUNCTION_NAME, Lambda's invoke store) onto each request. Agora runs on ECS
 *    Fargate and locally, never in Lambda, so it only costs an async store lookup per request.
 * The HTTP handler is the SDK's own NodeHttpHandler (kept-alive agent) as before.
 */
import { createHash, createHmac, createSecretKey, type Hash, type Hmac, type KeyObject } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData, encoding?: BufferEncoding): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding ?? 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** Keys seen as bytes (the SDK's signing keys, cached by it and passed again as the same array). */
const bufferKeys = new WeakMap<object, KeyObject>();
/** Keys seen as strings (the secret access key); a few per process, bounded all the same. */
const stringKeys = new Map<string, KeyObject>();
const maxStringKeys = 32;

function keyObject(secret: SourceData): KeyObject {
  if (typeof secret === 'string') {
    let key = stringKeys.get(secret);
    if (!key) {
      key = createSecretKey(Buffer.from(secret, 'utf8'));
      if (stringKeys.size >= maxStringKeys) stringKeys.delete(stringKeys.keys().next().value as string);
      stringKeys.set(secret, key);
    }
    return key;
  }
  let key = bufferKeys.get(secret);
  if (!key) {
    // Keyed by the array itself: the SDK keeps each derived signing key (one a day per region and
    // service) and passes that same array for every signature; it never writes to it.
    key = createSecretKey(Buffer.from(bytes(secret)));
    bufferKeys.set(secret, key);
  }
  return key;
}

/**
 * The SDK's `Checksum` for SHA-256 (the `sha256` client option): a hash, or an HMAC when built
 * with a secret, whose key is a KeyObject made once per key.
 */
export class KeyedSha256 {
  readonly #secret: SourceData | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#start();
  }

  #start(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', keyObject(this.#secret));
  }

  update(data: SourceData, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    if (typeof data === 'string') this.#hash.update(data, encoding ?? 'utf8');
    else this.#hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#start();
  }
}

/** The resolved config fields of a client this module touches (all set by the SDK's resolvers). */
interface TunableConfig {
  signer?: (authScheme?: { name?: string; signingName?: string; signingRegion?: string }) => Promise<unknown>;
  defaultUserAgentProvider?: () => Promise<unknown>;
}

export interface TunableClient {
  config: unknown;
  middlewareStack: { remove(name: string): boolean };
}

/** Applies the per-client part of the tuning to a client built with `sha256: KeyedSha256`. */
export function tuneClient(client: TunableClient): void {
  const config = client.config as TunableConfig;
  const signer = config.signer;
  if (signer) {
    const signers = new Map<string, Promise<unknown>>();
    config.signer = (authScheme) => {
      const key = `${authScheme?.name}\n${authScheme?.signingName}\n${authScheme?.signingRegion}`;
      let made = signers.get(key);
      if (!made) {
        made = signer(authScheme);
        // A failure (the region provider's, say) is not kept: the next request tries again.
        made.catch(() => signers.delete(key));
        signers.set(key, made);
      }
      return made;
    };
  }
  const userAgent = config.defaultUserAgentProvider;
  if (userAgent) {
    let sections: Promise<unknown> | undefined;
    config.defaultUserAgentProvider = () => {
      if (!sections) {
        sections = userAgent();
        // A failure (the app id's config file, say) is not kept either.
        sections.catch(() => {
          sections = undefined;
        });
      }
      return sections;
    };
  }
  client.middlewareStack.remove('recursionDetectionMiddleware');
}
