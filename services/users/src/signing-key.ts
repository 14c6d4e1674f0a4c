/** The token signing key: its public half, key id (RFC 7638 thumbprint) and JWKS entry. */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';

export interface SigningKey {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly keyId: string;
  readonly publicJwk: Record<string, string>;
}

export function signingKeyFromPem(privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('JWT_PRIVATE_KEY must be an EC P-256 key (ES256)');
  }
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const thumbprintInput = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const keyId = createHash('sha256').update(thumbprintInput).digest('base64url');
  return {
    privateKeyPem,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId,
    publicJwk: {
      kty: String(jwk.kty),
      crv: String(jwk.crv),
      x: String(jwk.x),
      y: String(jwk.y),
      kid: keyId,
      alg: 'ES256',
      use: 'sig',
    },
  };
}
