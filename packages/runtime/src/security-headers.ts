/**
 * The headers every answer from Agora carries, whichever process gives it (a service, or the
 * gateway's own /health, problems and /docs): helmet's security headers, and `Cache-Control:
 * no-store` unless a route says otherwise, because API answers carry tokens and personal data
 * that no shared or browser cache may keep (OWASP REST guidance).
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, { global: true });
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}
