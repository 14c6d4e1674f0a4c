/** /api/auth/login: a username and password for a short-lived ES256 token. */
import { problems } from '@agora/runtime/problem';
import { problemResponses } from '@agora/runtime/schemas';
import { type RateBudget, rateLimited, type SharedRateLimiter } from '@agora/runtime/shared-rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { decoyHash, verifyPassword } from '../passwords.ts';
import type { UsersRepo } from '../users-repo.ts';

export interface LoginBudgets {
  /** one username from one client */
  readonly perUsernameAndClient: RateBudget;
  /** one client, whichever usernames it tries (spraying) */
  readonly perClient: RateBudget;
  /** failures against one username from every client together (distributed guessing) */
  readonly failuresPerUsername: RateBudget;
}

export interface AuthRoutesOptions {
  readonly users: UsersRepo;
  readonly tokenTtlSeconds: number;
  readonly limiter: SharedRateLimiter;
  readonly budgets: LoginBudgets;
}

const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  const { limiter, budgets } = options;
  const usernameOf = (request: FastifyRequest) => (request.body as { username: string }).username.toLowerCase();

  // The counters are shared by every users task. Every attempt counts against the client's
  // budgets; only failures count against the username's, so nobody can spend a user's budget
  // by succeeding, and one address cannot lock anyone out: it hits its own limits first.
  const limitAttempts = async (request: FastifyRequest) => {
    const username = usernameOf(request);
    const [pair, client, account] = await Promise.all([
      limiter.take(budgets.perUsernameAndClient, `${username}\n${request.ip}`),
      limiter.take(budgets.perClient, request.ip),
      limiter.peek(budgets.failuresPerUsername, username),
    ]);
    for (const state of [pair, client, account]) {
      if (!state.allowed) throw rateLimited('Too many login attempts', state);
    }
  };

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: false },
      preHandler: [limitAttempts],
      schema: {
        tags: ['auth'],
        summary: 'Log in',
        body: LoginBody,
        response: {
          200: Type.Object({
            accessToken: Type.String(),
            tokenType: Type.Literal('Bearer'),
            expiresIn: Type.Integer({ description: 'seconds' }),
          }),
          ...problemResponses(400, 401, 413, 415, 429, 503),
        },
      },
    },
    async (request) => {
      const user = await options.users.findWithSecretByUsername(request.body.username);
      const valid = await verifyPassword(request.body.password, user?.passwordHash ?? decoyHash);
      if (!user || !valid) {
        await limiter.take(budgets.failuresPerUsername, usernameOf(request));
        request.log.info('login refused');
        throw problems.unauthorized('Unknown username or wrong password');
      }
      const accessToken = await app.jwt.sign({
        sub: user.userId,
        username: user.username,
        name: user.displayName,
        roles: user.roles,
      });
      return { accessToken, tokenType: 'Bearer' as const, expiresIn: options.tokenTtlSeconds };
    },
  );
};
