/**
 * Every AWS resource Agora needs, described once. The CDK stacks and the local bootstrap both
 * build from these definitions; services learn the physical names from their environment
 * (`env` below), never from this module.
 */
export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  readonly id: string;
  /** physical name suffix: the table is `${prefix}-${name}` */
  readonly name: string;
  /** the environment variable that carries the physical name */
  readonly env: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly IndexDefinition[];
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  /** a Number attribute (epoch seconds) after which DynamoDB's TTL removes the item */
  readonly timeToLiveAttribute?: string;
}

export interface QueueDefinition {
  readonly id: string;
  readonly name: string;
  /** the environment variable that carries the queue URL */
  readonly env: string;
  readonly visibilityTimeoutSeconds: number;
  /** after this many receives a message moves to the queue's dead-letter queue */
  readonly maxReceiveCount: number;
  readonly retentionDays: number;
}

export interface TopicDefinition {
  readonly id: string;
  readonly name: string;
  /** the environment variable that carries the topic ARN */
  readonly env: string;
  /** message attributes every message on this topic carries (subscribers filter on them) */
  readonly messageAttributes: readonly string[];
}

export interface BucketDefinition {
  readonly id: string;
  readonly name: string;
  readonly env: string;
  /** S3 ObjectCreated notifications go to this queue */
  readonly notifyQueue: string;
  /** uploads older than this are expired by a lifecycle rule */
  readonly expireAfterDays: number;
}

/**
 * Queues each task of a service makes for itself, one per task, so that one message on `topic`
 * reaches every task (a live feed: each task pushes it to the browsers connected to it). A task
 * creates `${prefix}-${name}-<random>` at start, subscribes it to the topic with raw delivery and
 * the filter policy, refreshes its heartbeat tag while it runs and deletes it on SIGTERM; any task
 * deletes (and unsubscribes) a queue whose heartbeat is older than `staleAfterSeconds`, the queue
 * of a task that was killed.
 */
export interface TaskQueuesDefinition {
  readonly id: string;
  /** physical name prefix: each task's queue is `${prefix}-${name}-<random>` */
  readonly name: string;
  /** the environment variable that carries the physical name prefix */
  readonly env: string;
  /** the topic (resource id) each queue subscribes to */
  readonly topic: string;
  /** the subscription's filter policy on the `type` message attribute */
  readonly filterPolicy: { readonly type: readonly string[] };
  /** a live message nobody read in this long is of no use any more (SQS's minimum: 60) */
  readonly retentionSeconds: number;
  /** how often a running task refreshes its queue's heartbeat tag */
  readonly heartbeatSeconds: number;
  /** a queue whose heartbeat is older than this belongs to a task that is gone */
  readonly staleAfterSeconds: number;
}

export const tables = [
  {
    id: 'usersTable',
    name: 'users',
    env: 'USERS_TABLE',
    partitionKey: { name: 'userId', type: 'S' },
    globalIndexes: [
      {
        // Sparse: only user items carry `listKey`, so the index lists users by registration time.
        name: 'byRegistration',
        partitionKey: { name: 'listKey', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
  },
  {
    id: 'topicsTable',
    name: 'topics',
    env: 'TOPICS_TABLE',
    partitionKey: { name: 'topicId', type: 'S' },
    globalIndexes: [
      {
        name: 'byActivity',
        partitionKey: { name: 'feed', type: 'S' },
        sortKey: { name: 'lastActivityAt', type: 'S' },
      },
    ],
    // the markers that make message counting idempotent expire once no redelivery can come
    timeToLiveAttribute: 'expiresAt',
  },
  {
    id: 'messagesTable',
    name: 'messages',
    env: 'MESSAGES_TABLE',
    partitionKey: { name: 'topicId', type: 'S' },
    sortKey: { name: 'sortKey', type: 'S' },
    globalIndexes: [
      { name: 'byMessageId', partitionKey: { name: 'messageId', type: 'S' } },
      {
        name: 'byAuthor',
        partitionKey: { name: 'authorId', type: 'S' },
        sortKey: { name: 'sortKey', type: 'S' },
      },
    ],
  },
  {
    id: 'inventoryTable',
    name: 'inventory',
    env: 'INVENTORY_TABLE',
    partitionKey: { name: 'store', type: 'S' },
    sortKey: { name: 'item', type: 'S' },
    globalIndexes: [
      {
        name: 'byItem',
        partitionKey: { name: 'item', type: 'S' },
        sortKey: { name: 'store', type: 'S' },
      },
      {
        // Sparse: only items at zero carry `outOfStockStore` (= store), so a store's out-of-stock
        // items are one Query with real pagination, not a filtered scan of the whole store.
        name: 'outOfStock',
        partitionKey: { name: 'outOfStockStore', type: 'S' },
        sortKey: { name: 'item', type: 'S' },
      },
      {
        // Sparse: items whose last write made a stock transition carry `pendingAlert` (= the
        // upload id) and `alertRow`, so a file loaded again after a crash finds the alerts past
        // its checkpoint: exactly those that may not have been published.
        name: 'pendingAlerts',
        partitionKey: { name: 'pendingAlert', type: 'S' },
        sortKey: { name: 'store', type: 'S' },
      },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  {
    id: 'uploadsTable',
    name: 'uploads',
    env: 'UPLOADS_TABLE',
    partitionKey: { name: 'uploadId', type: 'S' },
    globalIndexes: [
      {
        // Sparse: one `store#<name>` item per store that ever loaded a file carries `storeList`,
        // so the stores are listed by name without scanning the inventory.
        name: 'storesByName',
        partitionKey: { name: 'storeList', type: 'S' },
        sortKey: { name: 'store', type: 'S' },
      },
    ],
  },
  {
    // Counters of the limits that must hold across every task of a service (login attempts,
    // registrations): one item per budget, key and time window, removed by TTL once it has passed.
    id: 'rateLimitsTable',
    name: 'rate-limits',
    env: 'RATE_LIMITS_TABLE',
    partitionKey: { name: 'limitKey', type: 'S' },
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAt',
  },
] as const satisfies readonly TableDefinition[];

export const queues = [
  {
    id: 'filesQueue',
    name: 'inventory-files',
    env: 'FILES_QUEUE_URL',
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  {
    id: 'messagesEventsQueue',
    name: 'messages-events',
    env: 'MESSAGES_EVENTS_QUEUE_URL',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  {
    id: 'topicsEventsQueue',
    name: 'topics-events',
    env: 'TOPICS_EVENTS_QUEUE_URL',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
] as const satisfies readonly QueueDefinition[];

export const topics = [
  {
    id: 'forumEvents',
    name: 'forum-events',
    env: 'FORUM_EVENTS_TOPIC_ARN',
    messageAttributes: ['type'],
  },
  {
    id: 'stockAlerts',
    name: 'stock-alerts',
    env: 'STOCK_ALERTS_TOPIC_ARN',
    messageAttributes: ['store', 'item', 'kind'],
  },
  {
    // The inventory table's changes, as the live feed shows them: the stock relay (the one reader
    // of the table's stream) publishes them, every inventory task receives them on its own queue.
    id: 'stockChanges',
    name: 'stock-changes',
    env: 'STOCK_CHANGES_TOPIC_ARN',
    messageAttributes: ['type'],
  },
] as const satisfies readonly TopicDefinition[];

/** The `type` attribute of a stock-changes message: a batch of feed events, or the relay's restart. */
export const stockChangeTypes = ['stock.changes', 'stock.resync'] as const;

export const taskQueues = [
  {
    id: 'inventoryLiveQueues',
    name: 'live-inventory',
    env: 'INVENTORY_LIVE_QUEUE_PREFIX',
    topic: 'stockChanges',
    filterPolicy: { type: stockChangeTypes },
    retentionSeconds: 60,
    heartbeatSeconds: 60,
    staleAfterSeconds: 300,
  },
  {
    id: 'topicsLiveQueues',
    name: 'live-topics',
    env: 'TOPICS_LIVE_QUEUE_PREFIX',
    topic: 'forumEvents',
    // what GET /api/topics/live shows (events.ts: the live-feed events)
    filterPolicy: { type: ['topic.updated', 'topic.deleted', 'message.posted', 'message.deleted'] },
    retentionSeconds: 60,
    heartbeatSeconds: 60,
    staleAfterSeconds: 300,
  },
] as const satisfies readonly TaskQueuesDefinition[];

export const buckets = [
  {
    id: 'uploadsBucket',
    name: 'inventory-uploads',
    env: 'UPLOADS_BUCKET',
    notifyQueue: 'filesQueue',
    expireAfterDays: 30,
  },
] as const satisfies readonly BucketDefinition[];

/** How long every dead-letter queue keeps a message (SQS's maximum): time to look and redrive. */
export const deadLetterRetentionDays = 14;

/** The dead-letter queue of a queue: same definition, `-dlq` name, kept `deadLetterRetentionDays`. */
export function deadLetterQueueName(queue: QueueDefinition): string {
  return `${queue.name}-dlq`;
}

export type ResourceId =
  | (typeof tables)[number]['id']
  | (typeof queues)[number]['id']
  | (typeof topics)[number]['id']
  | (typeof buckets)[number]['id']
  | (typeof taskQueues)[number]['id'];

export type ResourceDefinition =
  | TableDefinition
  | QueueDefinition
  | TopicDefinition
  | BucketDefinition
  | TaskQueuesDefinition;

export function resourceById(id: string): ResourceDefinition {
  const all: readonly ResourceDefinition[] = [...tables, ...queues, ...topics, ...buckets, ...taskQueues];
  const found = all.find((resource) => resource.id === id);
  if (!found) throw new Error(`No resource "${id}" in the catalogue`);
  return found;
}

/** The task queues of `id` (the queues each task of a service makes for its live feed). */
export function taskQueuesDefinition(id: (typeof taskQueues)[number]['id']): TaskQueuesDefinition {
  const definition = (taskQueues as readonly TaskQueuesDefinition[]).find((candidate) => candidate.id === id);
  if (!definition) throw new Error(`No task queues "${id}" in the catalogue`);
  return definition;
}

/** The resources (ids) whose environment variables a use of `id` brings: task queues bring their topic's too. */
export function environmentResources(id: string): string[] {
  const taskQueue = (taskQueues as readonly TaskQueuesDefinition[]).find((definition) => definition.id === id);
  return taskQueue ? [id, taskQueue.topic] : [id];
}

/** The physical name of a resource in one deployment (`agora` on AWS, a unique prefix in tests). */
export function physicalName(prefix: string, resource: { readonly name: string }): string {
  return `${prefix}-${resource.name}`;
}
