/**
 * The app every service's `buildApp` starts from: the base app with its limits from config (the
 * per-client request limit counted in the shared rate-limits table, so it holds across tasks),
 * /ready answering for the service's tables, and the OpenAPI document registered before the
 * routes. The service then registers its own plugin(s) on it.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { type App, createBaseApp } from './http.ts';
import { type OpenApiOptions, registerOpenApi } from './openapi.ts';
import { createSharedRateLimiter, sharedRequestStore } from './shared-rate-limit.ts';

/** The httpServiceConfig variables the base app reads. */
export interface ServiceAppConfig {
  readonly CORS_ORIGINS: string;
  readonly BODY_LIMIT_BYTES: number;
  readonly RATE_LIMIT_PER_MINUTE: number;
  readonly RATE_LIMITS_TABLE: string;
  readonly TRUSTED_PROXY_HOPS?: number;
}

export interface ServiceAppOptions {
  readonly config: ServiceAppConfig;
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  /** names the service's per-client request limit, which every task of it shares */
  readonly service: string;
  /** the tables that must be reachable for /ready to answer 200 */
  readonly readinessTables: readonly string[];
  readonly openApi: OpenApiOptions;
}

export async function createServiceApp(options: ServiceAppOptions): Promise<App> {
  const { config, dynamo, readinessTables } = options;
  const limiter = createSharedRateLimiter(options.documents, config.RATE_LIMITS_TABLE);
  const app = await createBaseApp({
    logger: options.logger,
    corsOrigins: config.CORS_ORIGINS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    rateLimitStore: sharedRequestStore(limiter, `requests-${options.service}`, (error) =>
      options.logger.warn({ err: error }, 'the shared rate limit is unavailable: letting the request through'),
    ),
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    readiness: async () => {
      await Promise.all(readinessTables.map((TableName) => dynamo.send(new DescribeTableCommand({ TableName }))));
    },
  });
  await registerOpenApi(app, options.openApi);
  return app;
}
