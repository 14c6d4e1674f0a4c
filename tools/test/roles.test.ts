import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUsersRepo } from '@agora/users/users-repo';
import { changeRole } from '../src/cli/roles.ts';
import { provision } from '../src/testing/testing.ts';

const deployment = await provision('roles');
process.env.USERS_TABLE = deployment.env.USERS_TABLE;
const users = createUsersRepo(deployment.clients.documents, deployment.env.USERS_TABLE as string);
await users.create({
  userId: 'u-roles-1',
  username: 'Operator_Test',
  displayName: 'Operator Test',
  roles: [],
  createdAt: new Date().toISOString(),
  passwordHash: 'scrypt$1$1$1$x$y',
});

describe('npm run roles', () => {
  it('grants and revokes a role by username (any case)', async () => {
    assert.match(await changeRole('grant', 'operator_test', 'inventory-manager'), /roles: inventory-manager$/);
    assert.deepEqual((await users.findById('u-roles-1'))?.roles, ['inventory-manager']);
    assert.match(await changeRole('show', 'Operator_Test'), /roles: inventory-manager$/);
    assert.match(await changeRole('revoke', 'operator_test', 'inventory-manager'), /roles: \(none\)$/);
    assert.deepEqual((await users.findById('u-roles-1'))?.roles, []);
  });

  it('refuses unknown users, malformed roles and unknown commands with a clear message', async () => {
    await assert.rejects(changeRole('grant', 'nobody_here', 'inventory-manager'), /No user named "nobody_here"/);
    await assert.rejects(changeRole('grant', 'operator_test', 'Bad Role!'), /The role must match/);
    await assert.rejects(changeRole('promote', 'operator_test', 'x'), /usage:/);
  });
});
