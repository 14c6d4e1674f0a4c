/**
 * The processes Agora runs. `entry` is the file a container or the local launcher starts;
 * `uses` names the resources (see resources.ts) a service touches and how, which is what CDK
 * grants its task role and what the launcher puts in its environment.
 */
/**
 * `readStream`: read a table's DynamoDB stream (DescribeStream, GetShardIterator, GetRecords).
 * `ownQueues`: each task creates, subscribes, reads and deletes its own queue of a task-queues
 * resource, subscribed to the resource's topic (whose ARN it is given too), and sweeps the stale
 * queues of its kind.
 */
export type Access = 'read' | 'readWrite' | 'publish' | 'consume' | 'readStream' | 'ownQueues';

export interface ResourceUse {
  readonly resource: string;
  readonly access: Access;
}

export interface ServiceDefinition {
  readonly name: string;
  /** api: behind the load balancer; worker: no load balancer; gateway: local stand-in for the ALB */
  readonly kind: 'api' | 'worker' | 'gateway';
  /** the workspace folder under services/ */
  readonly workspace: string;
  /** the start file, relative to the workspace */
  readonly entry: string;
  /** the port the process listens on inside its container (health or API) */
  readonly containerPort: number;
  readonly uses: readonly ResourceUse[];
  /** whether the service verifies users' tokens against the users service's JWKS */
  readonly verifiesTokens: boolean;
  /** Node/V8 flags the process runs with (NODE_OPTIONS), wherever it runs */
  readonly nodeOptions?: string;
  /**
   * A worker that must run as exactly one task (the one reader of a stream): never scaled, and a
   * deployment stops the old task before it starts the new one.
   */
  readonly singleTask?: boolean;
}

export const services = [
  {
    name: 'users',
    kind: 'api',
    workspace: 'users',
    entry: 'src/server.ts',
    containerPort: 3000,
    uses: [
      { resource: 'usersTable', access: 'readWrite' },
      // login attempts, registrations and the per-client request limit, counted across every users task
      { resource: 'rateLimitsTable', access: 'readWrite' },
      { resource: 'forumEvents', access: 'publish' },
    ],
    verifiesTokens: false,
  },
  {
    name: 'topics',
    kind: 'api',
    workspace: 'topics',
    entry: 'src/server.ts',
    containerPort: 3000,
    uses: [
      { resource: 'topicsTable', access: 'readWrite' },
      // the per-client request limit, counted across every task
      { resource: 'rateLimitsTable', access: 'readWrite' },
      { resource: 'forumEvents', access: 'publish' },
      { resource: 'topicsEventsQueue', access: 'consume' },
      // the live feed (GET /api/topics/live): every task's own queue on the forum events topic
      { resource: 'topicsLiveQueues', access: 'ownQueues' },
    ],
    verifiesTokens: true,
  },
  {
    name: 'inventory',
    kind: 'api',
    workspace: 'inventory',
    entry: 'src/server.ts',
    containerPort: 3000,
    uses: [
      { resource: 'inventoryTable', access: 'read' },
      // the live feed: every task's own queue on the stock-changes topic the stock relay feeds
      { resource: 'inventoryLiveQueues', access: 'ownQueues' },
      { resource: 'uploadsTable', access: 'readWrite' },
      { resource: 'uploadsBucket', access: 'readWrite' },
      // the per-client request limit, counted across every task
      { resource: 'rateLimitsTable', access: 'readWrite' },
    ],
    verifiesTokens: true,
  },
  {
    name: 'messages',
    kind: 'api',
    workspace: 'messages',
    entry: 'src/server.ts',
    containerPort: 3000,
    uses: [
      { resource: 'messagesTable', access: 'readWrite' },
      // the per-client request limit, counted across every task
      { resource: 'rateLimitsTable', access: 'readWrite' },
      { resource: 'forumEvents', access: 'publish' },
      { resource: 'messagesEventsQueue', access: 'consume' },
    ],
    verifiesTokens: true,
  },
  {
    name: 'inventory-worker',
    kind: 'worker',
    workspace: 'inventory',
    entry: 'src/worker/main.ts',
    containerPort: 3000,
    uses: [
      { resource: 'filesQueue', access: 'consume' },
      // a message whose receives were spent by dying workers is handed to a fresh copy of itself
      { resource: 'filesQueue', access: 'publish' },
      { resource: 'uploadsBucket', access: 'read' },
      { resource: 'inventoryTable', access: 'readWrite' },
      { resource: 'uploadsTable', access: 'readWrite' },
      { resource: 'stockAlerts', access: 'publish' },
    ],
    verifiesTokens: false,
    // A small young generation: streaming a file allocates fast and keeps nothing, and V8's
    // default lets the nursery (and RSS) grow with the file; capped, 1,000,000 rows cost little more than 10,000.
    nodeOptions: '--max-semi-space-size=8',
  },
  {
    // The one reader of the inventory table's stream (DynamoDB Streams throttles beyond about two
    // readers a shard): it publishes the live feed's events once, on the stock-changes topic.
    name: 'stock-relay',
    kind: 'worker',
    workspace: 'inventory',
    entry: 'src/relay/main.ts',
    containerPort: 3000,
    uses: [
      { resource: 'inventoryTable', access: 'readStream' },
      { resource: 'stockChanges', access: 'publish' },
    ],
    verifiesTokens: false,
    singleTask: true,
  },
  {
    name: 'gateway',
    kind: 'gateway',
    workspace: 'gateway',
    entry: 'src/server.ts',
    containerPort: 8080,
    uses: [],
    verifiesTokens: false,
  },
] as const satisfies readonly ServiceDefinition[];

export type ServiceName = (typeof services)[number]['name'];

export function serviceNamed(name: string): ServiceDefinition {
  const found = services.find((service) => service.name === name);
  if (!found) throw new Error(`No service named "${name}" in the catalogue`);
  return found;
}

/** Dockerfile.base's build arguments for a service's image: which workspace, start file and port. */
export interface ImageBuildArgs {
  readonly WORKSPACE: string;
  readonly ENTRY: string;
  readonly PORT: string;
}

/**
 * How a service's image is built: the one answer buildspec.yml, the image commands and
 * docker-compose.yml all give (tests compare them against this).
 */
export function imageBuildArgs(service: ServiceDefinition): ImageBuildArgs {
  return { WORKSPACE: `services/${service.workspace}`, ENTRY: service.entry, PORT: String(service.containerPort) };
}

/**
 * How every task's container runs, wherever it runs as a task (the ECS task definitions, the
 * container rehearsal of a rolling deploy): the image's `node` user by number, nothing written to
 * the image's filesystem (the services keep no local state), and how long SIGTERM has before
 * SIGKILL (Fargate allows at most 120 s; a worker may be finishing a long poll and a batch).
 */
export const containerSettings = {
  user: '1000:1000',
  readonlyRootFilesystem: true,
  stopTimeoutSeconds: { api: 30, worker: 120 },
} as const;

/** The services the load balancer (and the local gateway) route to. */
export function apiServices(): ServiceDefinition[] {
  return services.filter((service) => service.kind === 'api');
}

/**
 * Monolith mode: one process mounts these services' plugins on one base app and one port, serving
 * the identical API (the gateway routes each of them to it). Services not listed run as usual.
 */
export const monolith = {
  name: 'forum',
  workspace: 'forum-monolith',
  entry: 'src/server.ts',
  mounts: ['users', 'topics', 'messages'],
} as const;
