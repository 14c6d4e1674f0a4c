/**
 * The users service: a Fastify plugin (so the monolith can mount it beside the other forum
 * services) and `buildApp`, which puts it on the platform's base app. No listen here: tests
 * call `inject`; server.ts starts it.
 */

import { tokenVerifier } from '@agora/runtime/auth';
import type { EventPublisher } from '@agora/runtime/events';
import type { App } from '@agora/runtime/http';
import { createServiceApp } from '@agora/runtime/service-app';
import { createSharedRateLimiter } from '@agora/runtime/shared-rate-limit';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import type { UsersConfig } from './config.ts';
import { authRoutes } from './routes/auth.ts';
import { jwksRoutes } from './routes/jwks.ts';
import { usersRoutes } from './routes/users.ts';
import { signingKeyFromPem } from './signing-key.ts';
import { createUsersRepo } from './users-repo.ts';

export interface UsersDependencies {
  readonly config: UsersConfig;
  readonly documents: DynamoDBDocumentClient;
  readonly events: EventPublisher;
}

/** Everything the users service serves, as one encapsulated plugin. */
export const usersService: FastifyPluginAsync<UsersDependencies> = async (app, { config, documents, events }) => {
  const key = signingKeyFromPem(config.JWT_PRIVATE_KEY);
  const users = createUsersRepo(documents, config.USERS_TABLE);
  const limiter = createSharedRateLimiter(documents, config.RATE_LIMITS_TABLE);
  await app.register(tokenVerifier, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    keys: key,
    tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
  });
  await app.register(jwksRoutes, { key });
  await app.register(authRoutes, {
    users,
    tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
    limiter,
    budgets: {
      perUsernameAndClient: { name: 'login-pair', max: config.LOGIN_ATTEMPTS_PER_MINUTE, windowSeconds: 60 },
      perClient: { name: 'login-client', max: config.LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE, windowSeconds: 60 },
      failuresPerUsername: {
        name: 'login-failures',
        max: config.LOGIN_FAILURES_PER_USERNAME_PER_HOUR,
        windowSeconds: 3600,
      },
    },
  });
  await app.register(usersRoutes, {
    users,
    events,
    limiter,
    registrations: { name: 'registrations', max: config.REGISTRATIONS_PER_CLIENT_PER_HOUR, windowSeconds: 3600 },
  });
};

export interface BuildOptions extends UsersDependencies {
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
}

export async function buildApp(options: BuildOptions): Promise<App> {
  const app = await createServiceApp({
    ...options,
    service: 'users',
    readinessTables: [options.config.USERS_TABLE, options.config.RATE_LIMITS_TABLE],
    openApi: { title: 'Agora users', description: 'Registration, login, profiles, the JWKS' },
  });
  await app.register(usersService, options);
  return app;
}

// fp() marks the function it is given as not encapsulated, so it gets a wrapper: usersService
// itself must stay encapsulated (the monolith mounts it beside other services' token verifiers).
export const usersPlugin = fp<UsersDependencies>((app, options) => usersService(app, options), {
  name: 'agora-users',
});
