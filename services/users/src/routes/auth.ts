/** /api/auth/login: a username and password for a short-lived ES256 token. */
import { HttpProblem, problems } from '@agora/runtime/problem';
import { problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { decoyHash, verifyPassword } from '../passwords.ts';
import type { UsersRepo } from '../users-repo.ts';

export interface AuthRoutesOptions {
  readonly users: UsersRepo;
  readonly tokenTtlSeconds: number;
  readonly attemptsPerMinute: number;
}

const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, options) => {
  // Two budgets per attempt: one per client address (spraying many usernames) and one per
  // username (one account attacked from many addresses). Both are counted on every attempt.
  const limiters = [
    app.createRateLimit({
      max: options.attemptsPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (request) => `login-client:${request.ip}`,
    }),
    app.createRateLimit({
      max: options.attemptsPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (request) => `login-user:${(request.body as { username: string }).username.toLowerCase()}`,
    }),
  ];
  const limitAttempts = async (request: FastifyRequest, reply: FastifyReply) => {
    for (const limiter of limiters) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        reply.header('retry-after', result.ttlInSeconds);
        throw new HttpProblem(429, `Too many login attempts: retry in ${result.ttlInSeconds} s`, {
          type: 'urn:agora:problem:rate-limited',
        });
      }
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
          ...problemResponses(400, 401, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const user = await options.users.findWithSecretByUsername(request.body.username);
      const valid = await verifyPassword(request.body.password, user?.passwordHash ?? decoyHash);
      if (!user || !valid) {
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
