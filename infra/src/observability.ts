/**
 * What an operator of Agora on ECS opens first, generated from the catalogue:
 * - traces: each task runs an AWS Distro for OpenTelemetry (ADOT) collector sidecar, which takes the
 *   service's OTLP/HTTP spans on localhost:4318 and sends them to X-Ray; its configuration is one SSM
 *   parameter; the task role may only put trace segments and telemetry and read sampling rules;
 * - alarms, all notifying one operations topic (e-mail from context `opsEmail`): every dead-letter
 *   queue holding a message, the age of the oldest message of every queue a bucket notifies (the
 *   files queue), per API target group the 5xx rate and the p99 latency, the worker's failed files
 *   (its EMF metric), and every service running fewer tasks than its minimum;
 * - one dashboard: the request path, the event path and the ingest path side by side, naming every
 *   service.
 */

import { traceSamplingEnvironment } from '@agora/catalogue';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { type Catalogue, deadLetterQueueName, physicalName, type ServiceDefinition } from './catalogue.ts';
import type { Settings } from './settings.ts';

/**
 * The ADOT collector image, pinned (public ECR, no Docker Hub). v0.43.3 is a published release:
 * aws-observability/aws-otel-collector has docs/releases/v0.43.3.md (2025-05-15, the tag
 * v0.43.3: Go 1.24.3) and public task definitions pin this very image; releases went on to v0.50.0
 * (2026-08-25). It cannot be pulled from this machine (no registry but the package ones), so a
 * move to a newer release wants a deploy rehearsal of the collector configuration first.
 */
export const collectorImage = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3';
/** Where the service's exporter finds the sidecar (tracing.ts reads OTEL_EXPORTER_OTLP_ENDPOINT). */
export const collectorEndpoint = 'http://127.0.0.1:4318';
/** The namespace of the services' EMF metrics (packages/runtime/src/metrics.ts). */
export const emfNamespace = 'Agora';

/** Each alarm's threshold, in one place. */
export const alarmThresholds = {
  /** seconds the oldest message of an ingest queue may wait */
  oldestMessageAgeSeconds: 600,
  /** percent of a target group's requests answered 5xx, over 5 minutes */
  serverErrorPercent: 5,
  /** seconds, the p99 of TargetResponseTime over 5 minutes */
  p99LatencySeconds: 1,
} as const;

/** The X-Ray actions the collector uses, and no other (none has resource-level permissions). */
export const xrayActions = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
] as const;

/** The collector's configuration: OTLP/HTTP in on loopback, batched, out to X-Ray. */
export function collectorConfig(): string {
  return `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:4318
processors:
  resourcedetection:
    detectors: [env, ecs]
  batch/traces:
    timeout: 1s
    send_batch_size: 50
exporters:
  awsxray:
    indexed_attributes: [agora.request_id, http.route]
extensions:
  health_check:
    endpoint: 127.0.0.1:13133
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [resourcedetection, batch/traces]
      exporters: [awsxray]
`;
}

/** The tracing variables of a service's container: its name, the sidecar, the sampling. */
export function tracingEnvironment(service: ServiceDefinition, settings: Settings): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: service.name,
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorEndpoint,
    ...traceSamplingEnvironment(settings.traceSampleRatio),
  };
}

/** The SSM parameter every task's collector reads its configuration from. */
export function addCollectorConfig(scope: Construct, settings: Settings): ssm.StringParameter {
  return new ssm.StringParameter(scope, 'CollectorConfig', {
    parameterName: `/${settings.prefix}/adot-collector-config`,
    description: 'The ADOT collector configuration of every Agora task (OTLP in, X-Ray out)',
    stringValue: collectorConfig(),
  });
}

/** The collector sidecar of one task, and the task role's X-Ray permissions. */
export function addCollectorSidecar(
  taskDefinition: ecs.FargateTaskDefinition,
  app: ecs.ContainerDefinition,
  config: ssm.IStringParameter,
  logging: ecs.LogDriver,
): ecs.ContainerDefinition {
  const collector = taskDefinition.addContainer('otel-collector', {
    containerName: 'otel-collector',
    image: ecs.ContainerImage.fromRegistry(collectorImage),
    // Not essential: without it the service still serves; it only loses its traces.
    essential: false,
    memoryReservationMiB: 64,
    readonlyRootFilesystem: true,
    user: '10001',
    secrets: { AOT_CONFIG_CONTENT: ecs.Secret.fromSsmParameter(config) },
    logging,
    healthCheck: {
      command: ['/healthcheck'],
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(10),
    },
  });
  // The service's first spans find the collector listening.
  app.addContainerDependencies({ container: collector, condition: ecs.ContainerDependencyCondition.START });
  taskDefinition.addToTaskRolePolicy(
    new iam.PolicyStatement({ sid: 'TracesToXRay', actions: [...xrayActions], resources: ['*'] }),
  );
  return collector;
}

export interface MonitoredApi {
  readonly service: ServiceDefinition;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly ecsService: ecs.FargateService;
  readonly minTasks: number;
}

export interface MonitoredWorker {
  readonly service: ServiceDefinition;
  readonly ecsService: ecs.FargateService;
  readonly minTasks: number;
  /** whether it loads files (the FilesFailed figure): the stream relay loads none */
  readonly loadsFiles: boolean;
}

export interface OperationsMonitoringProps {
  readonly catalogue: Catalogue;
  readonly settings: Settings;
  readonly cluster: ecs.ICluster;
  readonly apis: readonly MonitoredApi[];
  readonly workers: readonly MonitoredWorker[];
}

const fiveMinutes = Duration.minutes(5);
const oneMinute = Duration.minutes(1);

/** Metrics unlabelled (an alarm then names its metric directly); the dashboard labels its copies. */
function sqsMetric(queueName: string, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SQS',
    metricName,
    dimensionsMap: { QueueName: queueName },
    statistic,
    period: oneMinute,
  });
}

const labelled = (metric: cloudwatch.Metric, label: string) => metric.with({ label });

function emfMetric(
  service: string,
  metricName: string,
  dimensions: Record<string, string> = {},
  statistic = 'Sum',
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: emfNamespace,
    metricName,
    dimensionsMap: { Service: service, ...dimensions },
    statistic,
    period: fiveMinutes,
  });
}

export class OperationsMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    const { catalogue, settings } = props;
    // CloudWatch cannot publish to a topic under the AWS managed SNS key (its key policy is AWS's):
    // the operations topic has a key of its own that lets CloudWatch encrypt the alarm messages.
    const key = new kms.Key(this, 'TopicKey', {
      description: `${settings.prefix}: encrypts the operations topic; CloudWatch alarms may use it`,
      enableKeyRotation: true,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${settings.prefix}-operations`,
      displayName: `${settings.prefix} operations`,
      masterKey: key,
      enforceSSL: true,
    });
    if (settings.opsEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(settings.opsEmail));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (name: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, name, { alarmName: `${settings.prefix}-${name}`, ...alarmProps });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    // The event path: every queue's dead letters, and the consumers' EMF figures.
    const ingestQueues = new Set(catalogue.buckets.map((bucket) => bucket.notifyQueue));
    const eventWidgets: cloudwatch.IWidget[] = [];
    const ingestWidgets: cloudwatch.IWidget[] = [];
    for (const queue of catalogue.queues) {
      const queueName = physicalName(settings.prefix, queue);
      const dlqName = physicalName(settings.prefix, { name: deadLetterQueueName(queue) });
      const deadLetters = sqsMetric(dlqName, 'ApproximateNumberOfMessagesVisible', 'Maximum');
      alarm(`${queue.name}-dead-letters`, {
        alarmDescription: `${dlqName}: messages that failed ${queue.maxReceiveCount} times wait for an operator (redrive or drop them)`,
        metric: deadLetters,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const oldest = sqsMetric(queueName, 'ApproximateAgeOfOldestMessage', 'Maximum');
      if (ingestQueues.has(queue.id)) {
        alarm(`${queue.name}-oldest-message`, {
          alarmDescription: `${queueName}: a file has waited more than ${alarmThresholds.oldestMessageAgeSeconds} s for a worker`,
          metric: oldest,
          threshold: alarmThresholds.oldestMessageAgeSeconds,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
      const consumers = catalogue.services.filter((service) =>
        service.uses.some((use) => use.resource === queue.id && use.access === 'consume'),
      );
      const widget = new cloudwatch.GraphWidget({
        title: `${queue.name} → ${consumers.map((service) => service.name).join(', ')}`,
        width: 8,
        height: 5,
        left: [
          ...consumers.flatMap((service) => [
            labelled(emfMetric(service.name, 'MessagesProcessed', { Queue: queueName }), `${service.name} processed`),
            labelled(emfMetric(service.name, 'MessagesFailed', { Queue: queueName }), `${service.name} failed`),
          ]),
          labelled(deadLetters, `${dlqName} visible`),
        ],
        right: [labelled(oldest, 'oldest message (s)')],
      });
      (ingestQueues.has(queue.id) ? ingestWidgets : eventWidgets).push(widget);
    }

    // The request path: per API target group, its 5xx rate and p99 latency.
    const requestWidgets: cloudwatch.IWidget[] = [];
    for (const api of props.apis) {
      const { service, targetGroup } = api;
      const requests = targetGroup.metrics.requestCount({ period: fiveMinutes, statistic: 'Sum' });
      const errors = targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
        period: fiveMinutes,
        statistic: 'Sum',
      });
      const errorRate = new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { requests, errors },
        period: fiveMinutes,
        label: `${service.name} 5xx %`,
      });
      const p99 = targetGroup.metrics.targetResponseTime({
        period: fiveMinutes,
        statistic: 'p99',
        label: `${service.name} p99 (s)`,
      });
      alarm(`${service.name}-5xx-rate`, {
        alarmDescription: `${service.name}: more than ${alarmThresholds.serverErrorPercent} % of its requests answer 5xx`,
        metric: errorRate,
        threshold: alarmThresholds.serverErrorPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${service.name}-p99-latency`, {
        alarmDescription: `${service.name}: the slowest 1 % of its requests take more than ${alarmThresholds.p99LatencySeconds} s`,
        metric: p99,
        threshold: alarmThresholds.p99LatencySeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      requestWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${service.name}: requests, 5xx %, p99`,
          width: 8,
          height: 5,
          left: [requests, errorRate],
          right: [p99.with({ label: `${service.name} p99 (s)` })],
        }),
      );
    }

    // Every service running its minimum: Container Insights' RunningTaskCount (workers may scale to 0).
    for (const monitored of [...props.apis, ...props.workers]) {
      const { service, ecsService, minTasks } = monitored;
      if (minTasks < 1) continue;
      const running = new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: props.cluster.clusterName, ServiceName: ecsService.serviceName },
        statistic: 'Minimum',
        period: oneMinute,
      });
      // The stream relay is on the event path (it feeds the live feeds): its one task, in view.
      if ('loadsFiles' in monitored && !monitored.loadsFiles) {
        eventWidgets.push(
          new cloudwatch.GraphWidget({
            title: `${service.name}: running tasks`,
            width: 8,
            height: 5,
            left: [running.with({ label: `${service.name} tasks` })],
          }),
        );
      }
      alarm(`${service.name}-tasks-below-minimum`, {
        alarmDescription: `${service.name}: fewer than its minimum of ${minTasks} task(s) running`,
        metric: running,
        threshold: minTasks,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    // The ingest path: the workers' EMF figures.
    for (const { service } of props.workers.filter((worker) => worker.loadsFiles)) {
      alarm(`${service.name}-failed-files`, {
        alarmDescription: `${service.name}: a file failed to load (see the upload's status and the worker's log)`,
        metric: emfMetric(service.name, 'FilesFailed'),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      ingestWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${service.name}: files, rows, alerts`,
          width: 8,
          height: 5,
          left: ['FilesLoaded', 'FilesFailed', 'RowsRejected', 'AlertsSent'].map((metric) =>
            labelled(emfMetric(service.name, metric), `${service.name} ${metric}`),
          ),
          right: [labelled(emfMetric(service.name, 'IngestRowsPerSecond', {}, 'Average'), 'rows/s')],
        }),
      );
    }

    const column = (title: string, widgets: cloudwatch.IWidget[]) =>
      new cloudwatch.Column(new cloudwatch.TextWidget({ markdown: `## ${title}`, width: 8, height: 1 }), ...widgets);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${settings.prefix}-operations`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          column('Request path', requestWidgets),
          column('Event path', eventWidgets),
          column('Ingest path', ingestWidgets),
        ],
      ],
    });
  }
}
