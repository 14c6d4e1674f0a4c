/** The public keys that verify this service's tokens, for every other service. */
import { problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SigningKey } from '../signing-key.ts';

export const jwksRoutes: FastifyPluginAsyncTypebox<{ readonly key: SigningKey }> = async (app, { key }) => {
  const jwks = { keys: [key.publicJwk] };
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['auth'],
        summary: 'JSON Web Key Set',
        response: {
          200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.String())) }),
          ...problemResponses(429),
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return jwks;
    },
  );
};
