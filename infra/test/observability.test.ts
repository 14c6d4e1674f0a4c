/**
 * The operator's alarms, dashboard and trace pipeline in the synthesized services stack, checked
 * against the catalogue: an alarm on every dead-letter queue, the oldest-message age of the files
 * queue, 5xx rate and p99 latency per API target group, the worker's failed files, every service's
 * minimum task count, all notifying the one operations topic; one dashboard naming every service;
 * an ADOT collector sidecar in every task with its config from SSM and X-Ray-only permissions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import {
  type Catalogue,
  deadLetterQueueName,
  deployedServices,
  physicalName,
  platformCatalogue,
} from '../src/catalogue.ts';
import { collectorEndpoint, xrayActions } from '../src/observability.ts';
import { catalogueWithWorker, resourcesOfType, synthesize } from './helpers.ts';

type Resource = { Properties: Record<string, unknown> };

function check(name: string, catalogue: Catalogue) {
  describe(name, () => {
    const built = synthesize({
      catalogue,
      context: { opsEmail: 'ops@example.com', apiMinTasks: 2, workerMinTasks: 1, workerMaxTasks: 3 },
    });
    const { services } = built.templates;
    const prefix = built.stacks.settings.prefix;
    const alarms = resourcesOfType(services, 'AWS::CloudWatch::Alarm') as [string, Resource][];
    const [topicId] = resourcesOfType(services, 'AWS::SNS::Topic').find(
      ([, topic]) => (topic as Resource).Properties.TopicName === `${prefix}-operations`,
    ) ?? [undefined];
    assert.ok(topicId, 'the operations topic');
    const byName = (alarmName: string) => {
      const found = alarms.find(([, alarm]) => alarm.Properties.AlarmName === `${prefix}-${alarmName}`);
      assert.ok(found, `an alarm ${alarmName}`);
      return found[1].Properties;
    };
    const notifiesOps = (properties: Record<string, unknown>) =>
      assert.deepEqual(
        properties.AlarmActions,
        [{ Ref: topicId }],
        `${properties.AlarmName} notifies the operations topic`,
      );
    const dimension = (properties: Record<string, unknown>, key: string) =>
      (properties.Dimensions as { Name: string; Value: unknown }[] | undefined)?.find((entry) => entry.Name === key)
        ?.Value;

    test('every catalogue queue’s dead-letter queue alarms on one visible message', () => {
      for (const queue of catalogue.queues) {
        const alarm = byName(`${queue.name}-dead-letters`);
        assert.equal(alarm.MetricName, 'ApproximateNumberOfMessagesVisible');
        assert.equal(dimension(alarm, 'QueueName'), physicalName(prefix, { name: deadLetterQueueName(queue) }));
        assert.equal(alarm.Threshold, 0);
        assert.equal(alarm.ComparisonOperator, 'GreaterThanThreshold');
        notifiesOps(alarm);
      }
    });

    test('the files queue (every queue a bucket notifies) alarms on the age of its oldest message', () => {
      for (const bucket of catalogue.buckets) {
        const queue = catalogue.queues.find((candidate) => candidate.id === bucket.notifyQueue);
        assert.ok(queue);
        const alarm = byName(`${queue.name}-oldest-message`);
        assert.equal(alarm.MetricName, 'ApproximateAgeOfOldestMessage');
        assert.equal(dimension(alarm, 'QueueName'), physicalName(prefix, queue));
        notifiesOps(alarm);
      }
    });

    test('each API service: a 5xx-rate alarm and a p99-latency alarm on its target group', () => {
      for (const service of deployedServices(catalogue).filter((candidate) => candidate.kind === 'api')) {
        const rate = byName(`${service.name}-5xx-rate`);
        const metrics = rate.Metrics as {
          Id: string;
          Expression?: string;
          MetricStat?: { Metric: { MetricName: string } };
        }[];
        assert.ok(metrics.some((metric) => metric.Expression?.includes('100 * errors / requests')));
        assert.deepEqual(
          metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [])).sort(),
          ['HTTPCode_Target_5XX_Count', 'RequestCount'],
        );
        notifiesOps(rate);
        const latency = byName(`${service.name}-p99-latency`);
        // CDK renders the target group's p99 as one metric stat in Metrics.
        const [stat] = latency.Metrics as { MetricStat: { Metric: { MetricName: string }; Stat: string } }[];
        assert.equal(stat?.MetricStat.Metric.MetricName, 'TargetResponseTime');
        assert.equal(stat?.MetricStat.Stat, 'p99');
        notifiesOps(latency);
        const tasks = byName(`${service.name}-tasks-below-minimum`);
        assert.equal(tasks.MetricName, 'RunningTaskCount');
        assert.equal(tasks.Threshold, 2, 'the apiMinTasks of the context');
        notifiesOps(tasks);
      }
    });

    test('each worker: failed files (its EMF metric) and its minimum task count; the stream relay: its one task', () => {
      const workers = deployedServices(catalogue).filter((candidate) => candidate.kind === 'worker');
      assert.ok(workers.some((worker) => !worker.singleTask));
      for (const worker of workers) {
        if (worker.singleTask) {
          const named = (name: string) =>
            alarms.some(([, alarm]) => alarm.Properties.AlarmName === `${prefix}-${name}`);
          assert.equal(named(`${worker.name}-failed-files`), false, 'it loads no files');
          assert.equal(byName(`${worker.name}-tasks-below-minimum`).Threshold, 1);
          continue;
        }
        const failed = byName(`${worker.name}-failed-files`);
        assert.equal(failed.Namespace, 'Agora');
        assert.equal(failed.MetricName, 'FilesFailed');
        assert.equal(dimension(failed, 'Service'), worker.name);
        notifiesOps(failed);
        assert.equal(byName(`${worker.name}-tasks-below-minimum`).Threshold, 1);
      }
    });

    test('the operations topic e-mails opsEmail, under a key CloudWatch may use', () => {
      services.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: topicId },
      });
      services.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        }),
      });
    });

    test('one dashboard with the three paths, naming every deployed service', () => {
      const dashboards = resourcesOfType(services, 'AWS::CloudWatch::Dashboard') as [string, Resource][];
      assert.equal(dashboards.length, 1);
      const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
      for (const title of ['Request path', 'Event path', 'Ingest path']) assert.ok(body.includes(title), title);
      for (const service of deployedServices(catalogue))
        assert.ok(body.includes(service.name), `names ${service.name}`);
    });

    test('every task runs the ADOT collector beside the service, which exports to it', () => {
      const [parameterId] = resourcesOfType(services, 'AWS::SSM::Parameter').find(
        ([, parameter]) => (parameter as Resource).Properties.Name === `/${prefix}/adot-collector-config`,
      ) ?? [undefined];
      assert.ok(parameterId, 'the collector configuration parameter');
      const tasks = resourcesOfType(services, 'AWS::ECS::TaskDefinition') as [string, Resource][];
      assert.equal(tasks.length, deployedServices(catalogue).length);
      for (const [, task] of tasks) {
        const containers = task.Properties.ContainerDefinitions as {
          Name: string;
          Image: unknown;
          Essential?: boolean;
          Environment?: { Name: string; Value: unknown }[];
          Secrets?: { Name: string; ValueFrom: unknown }[];
          DependsOn?: { ContainerName: string; Condition: string }[];
        }[];
        const collector = containers.find((container) => container.Name === 'otel-collector');
        assert.ok(collector, 'a collector sidecar');
        assert.match(
          String(collector.Image),
          /^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v\d+\.\d+\.\d+$/,
        );
        assert.equal(collector.Essential, false);
        assert.equal(collector.Secrets?.[0]?.Name, 'AOT_CONFIG_CONTENT');
        assert.match(JSON.stringify(collector.Secrets?.[0]?.ValueFrom), new RegExp(parameterId));
        const app = containers.find((container) => container.Name !== 'otel-collector');
        const environment = Object.fromEntries((app?.Environment ?? []).map((entry) => [entry.Name, entry.Value]));
        assert.equal(environment.OTEL_EXPORTER_OTLP_ENDPOINT, collectorEndpoint);
        assert.equal(environment.OTEL_SERVICE_NAME, app?.Name);
        assert.equal(environment.OTEL_TRACES_SAMPLER, 'parentbased_traceidratio');
        assert.deepEqual(app?.DependsOn, [{ ContainerName: 'otel-collector', Condition: 'START' }]);
      }
    });

    test('the task roles may only put traces and read sampling rules in X-Ray', () => {
      const policies = resourcesOfType(services, 'AWS::IAM::Policy') as [string, Resource][];
      const statements = policies.flatMap(
        ([, policy]) =>
          (
            policy.Properties.PolicyDocument as {
              Statement: { Sid?: string; Action: string | string[]; Resource: unknown }[];
            }
          ).Statement,
      );
      const xray = statements.filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('xray:')),
      );
      assert.equal(xray.length, deployedServices(catalogue).length, 'one statement per task role');
      for (const statement of xray) {
        assert.deepEqual([statement.Action].flat().sort(), [...xrayActions].sort());
        assert.equal(statement.Resource, '*');
      }
      // The nag acknowledgement of "*" on task roles covers these statements and nothing else.
      const taskRolePolicies = policies.filter(([id]) => /taskTaskRoleDefaultPolicy/.test(id));
      assert.equal(taskRolePolicies.length, deployedServices(catalogue).length);
      const everything = taskRolePolicies.flatMap(([, policy]) =>
        (
          policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
        ).Statement.filter((statement) => [statement.Resource].flat().includes('*')),
      );
      assert.ok(
        everything.every((statement) => [statement.Action].flat().every((action) => action.startsWith('xray:'))),
      );
    });
  });
}

check('the platform catalogue', platformCatalogue());
check('the catalogue with a token-verifying API and a worker', catalogueWithWorker());
