/** Builds the inventory worker from its config and clients (no signals, no listening: see main.ts and runWorker). */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AwsClients } from '@agora/runtime/aws';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { createInventoryRepo } from '../inventory-repo.ts';
import { createUploadsRepo } from '../uploads-repo.ts';
import type { WorkerConfig } from './config.ts';
import { createFilesWorker, type FilesWorker } from './files-worker.ts';
import { processObject } from './process-object.ts';
import { snsAlertPublisher } from './stock-alerts.ts';
import { createTaskProtection } from './task-protection.ts';

type WorkerClients = Pick<AwsClients, 'documents' | 's3' | 'sns' | 'sqs'>;

/** maxReceiveCount from the queue's redrive policy, so the worker knows its last attempt. */
async function maxReceiveCount(clients: WorkerClients, queueUrl: string): Promise<number> {
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  const policy = Attributes?.RedrivePolicy
    ? (JSON.parse(Attributes.RedrivePolicy) as { maxReceiveCount?: unknown })
    : {};
  return Number(policy.maxReceiveCount ?? Number.POSITIVE_INFINITY);
}

export async function buildWorker(config: WorkerConfig, clients: WorkerClients, logger: Logger): Promise<FilesWorker> {
  const owner = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const inventory = createInventoryRepo(clients.documents, config.INVENTORY_TABLE, {
    writeConcurrency: config.WRITE_CONCURRENCY,
  });
  const uploads = createUploadsRepo(clients.documents, config.UPLOADS_TABLE);
  const alerts = snsAlertPublisher(clients.sns, config.STOCK_ALERTS_TOPIC_ARN);
  const leaseMs = config.VISIBILITY_SECONDS * 1000;
  return createFilesWorker({
    sqs: clients.sqs,
    queueUrl: config.FILES_QUEUE_URL,
    uploads,
    owner,
    processObject: (object, context) =>
      processObject({ s3: clients.s3, uploads, inventory, alerts, owner, leaseMs }, object, context),
    protection: createTaskProtection(config.ECS_AGENT_URI, logger),
    logger,
    pollWaitSeconds: config.POLL_WAIT_SECONDS,
    visibilitySeconds: config.VISIBILITY_SECONDS,
    retryBaseSeconds: config.RETRY_BASE_SECONDS,
    maxReceiveCount: await maxReceiveCount(clients, config.FILES_QUEUE_URL),
    drainTimeoutMs: config.DRAIN_TIMEOUT_MS,
    healthMaxSilenceMs: config.HEALTH_MAX_SILENCE_SECONDS * 1000,
  });
}
