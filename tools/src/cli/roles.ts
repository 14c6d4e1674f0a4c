/**
 * Operator command: grant or revoke a user's role (roles cannot be changed through the API).
 *   npm run roles -- grant <username> <role>
 *   npm run roles -- revoke <username> <role>
 *   npm run roles -- show <username>
 * Against the local system (started by `npm run up`) it finds the table and emulator by itself.
 * Against AWS: USERS_TABLE=agora-users AWS_REGION=eu-west-1 npm run roles -- grant alice inventory-manager
 * (with credentials allowed to update that table). The change reaches the user's next token.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createAwsClients } from '@agora/runtime/aws';
import { createUsersRepo } from '@agora/users/users-repo';
import { pino } from 'pino';
import { stateDir } from '../paths.ts';

const usage = 'usage: npm run roles -- grant|revoke <username> <role>  |  npm run roles -- show <username>';
const rolePattern = /^[a-z][a-z0-9-]{1,63}$/;

interface Target {
  readonly table: string;
  readonly endpoint?: string;
  readonly region: string;
}

function target(): Target {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  if (process.env.USERS_TABLE) {
    return { table: process.env.USERS_TABLE, endpoint: process.env.AWS_ENDPOINT_URL, region };
  }
  const local = `${stateDir}/local.json`;
  if (!existsSync(local)) {
    throw new Error('Set USERS_TABLE (and AWS credentials) for AWS, or start the local system with `npm run up` first');
  }
  const state = JSON.parse(readFileSync(local, 'utf8')) as { endpoint: string; env: Record<string, string> };
  process.env.AWS_ACCESS_KEY_ID ??= 'agora-local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'agora-local';
  return { table: state.env.USERS_TABLE as string, endpoint: state.endpoint, region };
}

export async function changeRole(command: string, username: string, role?: string): Promise<string> {
  if (!['grant', 'revoke', 'show'].includes(command) || !username) throw new Error(usage);
  if (command !== 'show' && (!role || !rolePattern.test(role))) {
    throw new Error(`The role must match ${rolePattern} (e.g. inventory-manager)\n${usage}`);
  }
  const { table, endpoint, region } = target();
  const clients = createAwsClients({ AWS_REGION: region, AWS_ENDPOINT_URL: endpoint }, pino({ level: 'silent' }));
  try {
    const users = createUsersRepo(clients.documents, table);
    const user = await users.findByUsername(username);
    if (!user) throw new Error(`No user named "${username}" in ${table}`);
    const updated = command === 'show' ? user : await users.setRole(user.userId, role as string, command === 'grant');
    return `${user.username} (${user.userId}) roles: ${(updated?.roles ?? []).join(', ') || '(none)'}`;
  } finally {
    clients.destroy();
  }
}

if (import.meta.main) {
  const [command = '', username = '', role] = process.argv.slice(2);
  try {
    process.stdout.write(`${await changeRole(command, username, role)}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
