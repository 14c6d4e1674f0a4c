/**
 * The app every service's `buildApp` starts from: the base app with its limits from config,
 * /ready answering for the service's tables, and the OpenAPI document registered before the
 * routes. The service then registers its own plugin(s) on it.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import { type App, createBaseApp } from './http.ts';
import { type OpenApiOptions, registerOpenApi } from './openapi.ts';

/** The httpServiceConfig variables the base app reads. */
export interface ServiceAppConfig {
  readonly CORS_ORIGINS: string;
  readonly BODY_LIMIT_BYTES: number;
  readonly RATE_LIMIT_PER_MINUTE: number;
  readonly TRUSTED_PROXY_HOPS?: number;
}

export interface ServiceAppOptions {
  readonly config: ServiceAppConfig;
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
  /** the tables that must be reachable for /ready to answer 200 */
  readonly readinessTables: readonly string[];
  readonly openApi: OpenApiOptions;
}

export async function createServiceApp(options: ServiceAppOptions): Promise<App> {
  const { config, dynamo, readinessTables } = options;
  const app = await createBaseApp({
    logger: options.logger,
    corsOrigins: config.CORS_ORIGINS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    readiness: async () => {
      await Promise.all(readinessTables.map((TableName) => dynamo.send(new DescribeTableCommand({ TableName }))));
    },
  });
  await registerOpenApi(app, options.openApi);
  return app;
}
