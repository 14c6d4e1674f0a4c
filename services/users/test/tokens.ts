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
