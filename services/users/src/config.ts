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
  /** Login attempts allowed per minute, for one username and, separately, for one client address. */
  LOGIN_ATTEMPTS_PER_MINUTE: Type.Integer({ minimum: 1, default: 10 }),
});

export type UsersConfig = Static<typeof usersConfigSchema>;
