/**
 * A stand-in token issuer for testing services that verify users' tokens: a fresh P-256 key, its
 * JWKS served on a loopback port (what the users service publishes), and ES256 tokens signed with
 * it carrying the claims the users service puts in them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { signingKeyFromPem } from '@agora/users/signing-key';
import { generateSigningKeyPem } from '../local/dev-key.ts';
import { craftToken } from './crafted-tokens.ts';

export interface TestUser {
  readonly userId: string;
  readonly username: string;
  readonly name: string;
  readonly roles?: readonly string[];
}

export interface TestIssuer {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** the published key's id and its private half, for tests that craft tokens by hand */
  readonly keyId: string;
  readonly privateKeyPem: string;
  /** how many times the JWKS has been fetched */
  jwksRequests(): number;
  /** publish one more key (as a key rotation does); tokens signed with it carry its kid */
  rotate(): { keyId: string; privateKeyPem: string };
  token(user: TestUser, overrides?: Record<string, unknown>): string;
}

export async function startTestIssuer(issuer = 'agora-users', audience = 'agora'): Promise<TestIssuer> {
  // The users service's own key handling: the same key id (thumbprint) and JWKS entry.
  const key = signingKeyFromPem(generateSigningKeyPem());
  const published = [key.publicJwk];
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    keyId: key.keyId,
    privateKeyPem: key.privateKeyPem,
    jwksRequests: () => requests,
    rotate() {
      const next = signingKeyFromPem(generateSigningKeyPem());
      published.push(next.publicJwk);
      return { keyId: next.keyId, privateKeyPem: next.privateKeyPem };
    },
    token(user, overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        sub: user.userId,
        username: user.username,
        name: user.name,
        roles: user.roles ?? [],
        iss: issuer,
        aud: audience,
        iat: now,
        exp: now + 900,
        ...overrides,
      };
      return craftToken(key.privateKeyPem, { alg: 'ES256', typ: 'JWT', kid: key.keyId }, payload);
    },
  };
}

let counter = 0;
/** A user as the users service would describe it in a token (the id looks like one it issues). */
export function testUser(label = 'user'): TestUser {
  counter += 1;
  const pid = process.pid.toString(16).padStart(4, '0').slice(-4);
  const userId = `0190${pid}-0000-7000-8000-${String(counter).padStart(12, '0')}`;
  return { userId, username: `${label}_${counter}`, name: `${label} ${counter}` };
}
