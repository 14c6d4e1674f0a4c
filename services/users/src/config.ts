import { httpServiceConfig } from '@agora/runtime/config';
import { type Static, Type } from 'typebox';

export const usersConfigSchema = Type.Object({
  ...httpServiceConfig,
  USERS_TABLE: Type.String({ minLength: 3 }),
  FORUM_EVENTS_TOPIC_ARN: Type.String({ pattern: '^arn:' }),
  /** PKCS#8 PEM of the P-256 key that signs tokens (from Secrets Manager on AWS). */
  JWT_PRIVATE_KEY: Type.String({ pattern: '-----BEGIN PRIVATE KEY-----' }),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'agora-users' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'agora' }),
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  /** Login attempts allowed per minute for one username from one client address. */
  LOGIN_ATTEMPTS_PER_MINUTE: Type.Integer({ minimum: 1, default: 10 }),
  /** Login attempts allowed per minute from one client address, whichever usernames it tries. */
  LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
  /**
   * Failed logins per hour one username takes from all clients together before it refuses more:
   * slow enough to make distributed guessing expensive, high enough that no one locks a user out
   * casually (the per-client budgets above stop any single address long before).
   */
  LOGIN_FAILURES_PER_USERNAME_PER_HOUR: Type.Integer({ minimum: 1, default: 200 }),
  /** Registrations allowed per hour from one client address. */
  REGISTRATIONS_PER_CLIENT_PER_HOUR: Type.Integer({ minimum: 1, default: 20 }),
});

export type UsersConfig = Static<typeof usersConfigSchema>;
