/**
 * What the CDK app reads from the catalogue. The real app passes the platform's catalogue; tests
 * may pass a catalogue-shaped fixture (say, one with a worker) to exercise every code path.
 */

import type {
  BucketDefinition,
  QueueDefinition,
  RouteRule,
  ServiceDefinition,
  SubscriptionDefinition,
  TableDefinition,
  TaskQueuesDefinition,
  TopicDefinition,
} from '@agora/catalogue';
import * as platform from '@agora/catalogue';

export interface Catalogue {
  readonly services: readonly ServiceDefinition[];
  readonly routes: readonly RouteRule[];
  readonly tables: readonly TableDefinition[];
  readonly queues: readonly QueueDefinition[];
  readonly topics: readonly TopicDefinition[];
  readonly buckets: readonly BucketDefinition[];
  readonly subscriptions: readonly SubscriptionDefinition[];
  /** queues each task makes for itself (nothing to create: their names, topic and grants) */
  readonly taskQueues: readonly TaskQueuesDefinition[];
}

export function platformCatalogue(): Catalogue {
  return {
    services: platform.services,
    routes: platform.routes,
    tables: platform.tables,
    queues: platform.queues,
    topics: platform.topics,
    buckets: platform.buckets,
    subscriptions: platform.subscriptions(),
    taskQueues: platform.taskQueues,
  };
}

/** The services that run on ECS: every api and worker (the gateway is the local stand-in for the ALB). */
export function deployedServices(catalogue: Catalogue): ServiceDefinition[] {
  return catalogue.services.filter((service) => service.kind === 'api' || service.kind === 'worker');
}

/** The service whose route serves `path` (lowest priority number first, as the ALB evaluates). */
export function serviceServing(catalogue: Catalogue, path: string): ServiceDefinition | undefined {
  const rules = [...catalogue.routes].sort((a, b) => a.priority - b.priority);
  const rule = rules.find((candidate) =>
    candidate.pathPatterns.some((pattern) => platform.matchesPathPattern(pattern, path)),
  );
  return rule ? catalogue.services.find((service) => service.name === rule.service) : undefined;
}

/** Where the token issuer publishes its public keys: the path every verifier fetches. */
export const jwksPath = '/.well-known/jwks.json';

/** The service that issues tokens: the one serving the JWKS. It alone gets the signing key. */
export function tokenIssuer(catalogue: Catalogue): ServiceDefinition | undefined {
  return serviceServing(catalogue, jwksPath);
}

export type {
  Access,
  BucketDefinition,
  QueueDefinition,
  RouteRule,
  ServiceDefinition,
  TableDefinition,
  TaskQueuesDefinition,
  TopicDefinition,
} from '@agora/catalogue';
export { deadLetterQueueName, deadLetterRetentionDays, physicalName } from '@agora/catalogue';
