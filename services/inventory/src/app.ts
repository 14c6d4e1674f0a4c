/**
 * The inventory service: a Fastify plugin (uploads, upload status, stock queries) and
 * `buildApp`, which puts it on the platform's base app. No listen here: tests call `inject`;
 * server.ts starts it. The worker is a separate process (src/worker/main.ts).
 */
import { type App, createBaseApp, tokenVerifier } from '@agora/platform';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { InventoryConfig } from './config.ts';
import { createInventoryRepo } from './inventory-repo.ts';
import { stockRoutes } from './routes/stock.ts';
import { uploadRoutes } from './routes/uploads.ts';
import { createUploadsRepo } from './uploads-repo.ts';

export interface InventoryDependencies {
  readonly config: InventoryConfig;
  readonly documents: DynamoDBDocumentClient;
  readonly s3: S3Client;
}

export const inventoryService: FastifyPluginAsync<InventoryDependencies> = async (app, { config, documents, s3 }) => {
  const inventory = createInventoryRepo(documents, config.INVENTORY_TABLE);
  const uploads = createUploadsRepo(documents, config.UPLOADS_TABLE);
  await app.register(tokenVerifier, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    jwksUrl: config.JWKS_URL,
  });
  await app.register(uploadRoutes, {
    uploads,
    s3,
    bucket: config.UPLOADS_BUCKET,
    limitBytes: config.UPLOAD_LIMIT_BYTES,
  });
  await app.register(stockRoutes, { inventory, uploads });
};

export interface BuildOptions extends InventoryDependencies {
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
}

export async function buildApp(options: BuildOptions): Promise<App> {
  const { config } = options;
  const app = await createBaseApp({
    logger: options.logger,
    corsOrigins: config.CORS_ORIGINS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    readiness: async () => {
      await options.dynamo.send(new DescribeTableCommand({ TableName: config.INVENTORY_TABLE }));
    },
  });
  await app.register(inventoryService, options);
  return app;
}
