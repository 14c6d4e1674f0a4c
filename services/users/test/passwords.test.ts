import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decoyHash, hashPassword, verifyPassword } from '../src/passwords.ts';

describe('the decoy hash an unknown username is checked against', () => {
  it('costs what a real hash costs: the same scrypt parameters, salt and key lengths', async () => {
    const [scheme, n, r, p, salt = '', hash = ''] = (await hashPassword('correct horse battery')).split('$');
    const [decoyScheme, decoyN, decoyR, decoyP, decoySalt = '', decoyKey = ''] = decoyHash.split('$');
    assert.deepEqual([decoyScheme, decoyN, decoyR, decoyP], [scheme, n, r, p]);
    assert.equal(Buffer.from(decoySalt, 'base64url').length, Buffer.from(salt, 'base64url').length);
    assert.equal(Buffer.from(decoyKey, 'base64url').length, Buffer.from(hash, 'base64url').length);
  });

  it('matches no password', async () => {
    for (const password of ['', 'correct horse battery', 'jvIMLIK7gCYv6aPrTSHKUw']) {
      assert.equal(await verifyPassword(password, decoyHash), false);
    }
  });
});
