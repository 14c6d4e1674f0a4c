/**
 * The inventory service: a Fastify plugin (uploads, upload status, stock queries) and
 * `buildApp`, which puts it on the platform's base app. No listen here: tests call `inject`;
 * server.ts starts it. The worker is a separate process (src/worker/main.ts).
 */
import { jwksVerification, tokenVerifier } from '@agora/runtime/auth';
import type { EventStreamSettings } from '@agora/runtime/event-stream';
import type { App } from '@agora/runtime/http';
import { createServiceApp } from '@agora/runtime/service-app';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { InventoryConfig } from './config.ts';
import { createInventoryRepo } from './inventory-repo.ts';
import { feedRoutes } from './routes/feed.ts';
import { stockRoutes } from './routes/stock.ts';
import { uploadRoutes } from './routes/uploads.ts';
import type { StockFeed } from './stock-feed.ts';
import { createUploadsRepo } from './uploads-repo.ts';

export interface InventoryDependencies {
  readonly config: InventoryConfig;
  readonly documents: DynamoDBDocumentClient;
  /** the S3 client, asked for at the first upload (its SDK is loaded then, not at start) */
  readonly s3: () => S3Client;
  /** this task's live feed (its own queue on the stock-changes topic), started with the process's consumers */
  readonly feed: StockFeed;
  /** the feed streams' heartbeat and limits (tests shorten them) */
  readonly feedStreams?: Partial<EventStreamSettings>;
}

export const inventoryService: FastifyPluginAsync<InventoryDependencies> = async (
  app,
  { config, documents, s3, feed, feedStreams },
) => {
  const inventory = createInventoryRepo(documents, config.INVENTORY_TABLE);
  const uploads = createUploadsRepo(documents, config.UPLOADS_TABLE);
  await app.register(tokenVerifier, jwksVerification(config));
  await app.register(uploadRoutes, {
    uploads,
    s3,
    bucket: config.UPLOADS_BUCKET,
    limitBytes: config.UPLOAD_LIMIT_BYTES,
  });
  await app.register(stockRoutes, { inventory, uploads });
  await app.register(feedRoutes, { feed, ...(feedStreams ? { streams: feedStreams } : {}) });
};

export interface BuildOptions extends InventoryDependencies {
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
}

export async function buildApp(options: BuildOptions): Promise<App> {
  const app = await createServiceApp({
    ...options,
    service: 'inventory',
    readinessTables: [options.config.INVENTORY_TABLE],
    openApi: { title: 'Agora inventory', description: 'Stock uploads and stock levels' },
  });
  await app.register(inventoryService, options);
  return app;
}
