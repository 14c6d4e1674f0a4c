/** A development token-signing key (EC P-256, PKCS#8 PEM). Production keys come from Secrets Manager. */
import { generateKeyPairSync } from 'node:crypto';

export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}
