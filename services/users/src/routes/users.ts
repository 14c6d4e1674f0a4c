/** /api/users: registration, the user list, profiles, and one's own profile. */

import { fieldRules } from '@agora/catalogue';
import { PublicUserSchema } from '@agora/catalogue/api-shapes';
import type { EventPublisher } from '@agora/runtime/events';
import { newId } from '@agora/runtime/ids';
import { readPage } from '@agora/runtime/paging';
import { problems } from '@agora/runtime/problem';
import { bearerAuth, Page, PageQuery, problemResponses } from '@agora/runtime/schemas';
import { type RateBudget, rateLimited, type SharedRateLimiter } from '@agora/runtime/shared-rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { hashPassword } from '../passwords.ts';
import { UsernameTakenError, type UsersRepo } from '../users-repo.ts';

export const Username = Type.String(fieldRules.username);
export const DisplayName = Type.String(fieldRules.displayName);
const Password = Type.String(fieldRules.password);

const OwnProfile = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

export interface UsersRoutesOptions {
  readonly users: UsersRepo;
  readonly events: EventPublisher;
  readonly limiter: SharedRateLimiter;
  /** registrations per client address, counted across every users task */
  readonly registrations: RateBudget;
}

export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesOptions> = async (app, options) => {
  const { users, events, limiter } = options;
  app.post(
    '/api/users',
    {
      preHandler: async (request) => {
        const state = await limiter.take(options.registrations, request.ip);
        if (!state.allowed) throw rateLimited('Too many registrations from this address', state);
      },
      schema: {
        tags: ['users'],
        summary: 'Register',
        body: Type.Object(
          { username: Username, password: Password, displayName: DisplayName },
          { additionalProperties: false },
        ),
        response: { 201: PublicUserSchema, ...problemResponses(400, 409, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { username, password, displayName } = request.body;
      const user = {
        userId: newId(),
        username,
        displayName,
        roles: [],
        createdAt: new Date().toISOString(),
        passwordHash: await hashPassword(password),
      };
      try {
        await users.create(user);
      } catch (error) {
        if (error instanceof UsernameTakenError) throw problems.conflict(error.message);
        throw error;
      }
      request.log.info({ userId: user.userId }, 'user registered');
      return reply.code(201).header('location', `/api/users/${user.userId}`).send(user);
    },
  );

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List users in registration order',
        querystring: PageQuery,
        response: { 200: Page(PublicUserSchema), ...problemResponses(400, 429) },
      },
    },
    async (request) => readPage(request.query, ({ limit, cursor }) => users.list(limit, cursor)),
  );

  app.get(
    '/api/users/me',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['users'],
        summary: 'Your own profile, with your roles',
        security: bearerAuth,
        response: { 200: OwnProfile, ...problemResponses(401, 404) },
      },
    },
    async (request) => {
      const user = await users.findById(request.user.sub);
      if (!user) throw problems.notFound('Your account no longer exists');
      return user;
    },
  );

  app.patch(
    '/api/users/me',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['users'],
        summary: 'Change your display name (roles are granted by operators, not here)',
        security: bearerAuth,
        body: Type.Object({ displayName: DisplayName }, { additionalProperties: false }),
        response: { 200: OwnProfile, ...problemResponses(400, 401, 404, 413, 415, 503) },
      },
    },
    async (request) => {
      const user = await users.updateDisplayName(request.user.sub, request.body.displayName);
      if (!user) throw problems.notFound('Your account no longer exists');
      try {
        await events.publish('user.renamed', {
          userId: user.userId,
          displayName: user.displayName,
          renamedAt: new Date().toISOString(),
        });
      } catch (error) {
        // The name is saved but other services were not told: the client retries (PATCH is
        // idempotent and a repeated rename event changes nothing twice).
        request.log.error({ err: error }, 'user.renamed not published');
        throw problems.unavailable('Your new name is saved but could not be announced yet: please retry');
      }
      return user;
    },
  );

  app.get(
    '/api/users/:userId',
    {
      schema: {
        tags: ['users'],
        summary: 'A user’s public profile',
        params: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: PublicUserSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const user = await users.findById(request.params.userId);
      if (!user) throw problems.notFound(`No user ${request.params.userId}`);
      return user;
    },
  );
};
