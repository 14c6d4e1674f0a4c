import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { ConfigError, httpServiceConfig, loadConfig, requiredVariables } from '../src/config.ts';

const schema = Type.Object({
  ...httpServiceConfig,
  USERS_TABLE: Type.String({ minLength: 3 }),
  TOPIC_ARN: Type.String({ pattern: '^arn:' }),
});

describe('loadConfig', () => {
  it('converts types and applies defaults', () => {
    const config = loadConfig(schema, {
      USERS_TABLE: 'agora-users',
      TOPIC_ARN: 'arn:aws:sns:x',
      RATE_LIMITS_TABLE: 'agora-rate-limits',
      PORT: '4000',
    });
    assert.equal(config.PORT, 4000);
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.BODY_LIMIT_BYTES, 65536);
    assert.equal(config.AWS_ENDPOINT_URL, undefined);
  });

  it('names every missing and malformed variable in one message', () => {
    assert.throws(
      () => loadConfig(schema, { TOPIC_ARN: 'not-an-arn', PORT: 'eighty', LOG_LEVEL: 'loud' }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^Invalid configuration: /);
        for (const name of [
          'USERS_TABLE is required',
          'TOPIC_ARN is invalid',
          'PORT is invalid',
          'LOG_LEVEL is invalid',
        ]) {
          assert.ok(error.message.includes(name), `${name} in: ${error.message}`);
        }
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
    );
  });

  it('treats an empty variable as unset', () => {
    assert.throws(() => loadConfig(schema, { USERS_TABLE: '', TOPIC_ARN: 'arn:x' }), /USERS_TABLE is required/);
  });

  it('lists the variables a schema requires (what compose and CDK must supply)', () => {
    // every HTTP service counts its per-client request limit in the shared rate-limits table
    assert.deepEqual(requiredVariables(schema).sort(), ['RATE_LIMITS_TABLE', 'TOPIC_ARN', 'USERS_TABLE']);
  });

  it('stops a service at start-up with one clear line naming what is missing', () => {
    const result = spawnSync(process.execPath, ['services/users/src/server.ts'], {
      cwd: new URL('../../../', import.meta.url),
      env: { PATH: process.env.PATH, USERS_TABLE: 'agora-users' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /^Invalid configuration: .*FORUM_EVENTS_TOPIC_ARN is required/);
    assert.match(lines[0] ?? '', /JWT_PRIVATE_KEY is required/);
  });
});
