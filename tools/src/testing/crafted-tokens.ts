/** Hand-made JWTs for tests: expired, tampered, unsigned, or signed by a stranger's key. */
import { createPrivateKey, sign } from 'node:crypto';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function craftToken(
  privateKeyPem: string | undefined,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
) {
  const signingInput = `${encode(header)}.${encode(payload)}`;
  if (!privateKeyPem) return `${signingInput}.`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: createPrivateKey(privateKeyPem),
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
}

/** Claims as the users service issues them, valid for five minutes from now. */
export function userClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'u-1',
    username: 'tester',
    name: 'Tester',
    roles: [],
    iss: 'agora-users',
    aud: 'agora',
    iat: now,
    exp: now + 300,
    ...overrides,
  };
}
