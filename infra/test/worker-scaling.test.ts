/**
 * The worker scales on its queue's backlog, read off the template: from its minimum (0 by
 * default) a single visible message must start a task; an idle queue must bring it back down,
 * more slowly than it went up.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deployedServices } from '../src/catalogue.ts';
import { catalogueWithWorker, referencedNames, synthesize } from './helpers.ts';

interface Step {
  MetricIntervalLowerBound?: number;
  MetricIntervalUpperBound?: number;
  ScalingAdjustment: number;
}
interface Policy {
  StepScalingPolicyConfiguration: { Cooldown: number; StepAdjustments: Step[] };
  ScalingTargetId: unknown;
}
interface MetricQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] } };
}
interface Alarm {
  AlarmActions: unknown[];
  ComparisonOperator: string;
  Threshold: number;
  EvaluationPeriods: number;
  Metrics: MetricQuery[];
}

const catalogue = catalogueWithWorker();
const built = synthesize({ catalogue });
const resources = built.templates.services.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown> }
>;
const workers = deployedServices(catalogue).filter((service) => service.kind === 'worker');

/** The scalable target of a worker's ECS service. */
function scalableTarget(serviceName: string) {
  const service = built.stacks.services.services.get(serviceName);
  assert.ok(service);
  const serviceId = built.stacks.services.getLogicalId(service.node.defaultChild as never);
  const found = Object.entries(resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::ApplicationAutoScaling::ScalableTarget' &&
      referencedNames(resource.Properties.ResourceId).includes(serviceId),
  );
  assert.ok(found, `${serviceName} has a scalable target`);
  return {
    id: found[0],
    min: found[1].Properties.MinCapacity as number,
    max: found[1].Properties.MaxCapacity as number,
  };
}

/** Each step-scaling policy of the target with the alarm that drives it. */
function policies(targetId: string) {
  return Object.entries(resources)
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::ApplicationAutoScaling::ScalingPolicy' &&
        referencedNames(resource.Properties.ScalingTargetId).includes(targetId),
    )
    .map(([policyId, policy]) => {
      const alarm = Object.values(resources).find(
        (resource) =>
          resource.Type === 'AWS::CloudWatch::Alarm' &&
          referencedNames(resource.Properties.AlarmActions).includes(policyId),
      );
      assert.ok(alarm, `${policyId} has an alarm`);
      return { policy: policy.Properties as unknown as Policy, alarm: alarm.Properties as unknown as Alarm };
    });
}

/** The capacity after the metric holds `value` long enough for every alarm to evaluate. */
function capacityAfter(targetId: string, from: number, value: number, bounds: { min: number; max: number }): number {
  let capacity = from;
  for (const { policy, alarm } of policies(targetId)) {
    const breaching =
      alarm.ComparisonOperator === 'GreaterThanOrEqualToThreshold'
        ? value >= alarm.Threshold
        : alarm.ComparisonOperator === 'LessThanOrEqualToThreshold'
          ? value <= alarm.Threshold
          : assert.fail(`unexpected operator ${alarm.ComparisonOperator}`);
    if (!breaching) continue;
    // Application Auto Scaling's bounds: above the threshold the lower bound is inclusive and the
    // upper exclusive; below it, the other way round.
    const offset = value - alarm.Threshold;
    const above = alarm.ComparisonOperator.startsWith('GreaterThan');
    const step = policy.StepScalingPolicyConfiguration.StepAdjustments.find((candidate) => {
      const lower = candidate.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY;
      const upper = candidate.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY;
      return above ? lower <= offset && offset < upper : lower < offset && offset <= upper;
    });
    if (step) capacity += step.ScalingAdjustment;
  }
  return Math.min(bounds.max, Math.max(bounds.min, capacity));
}

describe('worker scaling', () => {
  test('the fixture has a worker', () => assert.ok(workers.length > 0));

  for (const worker of workers) {
    const queues = worker.uses
      .filter((use) => use.access === 'consume')
      .map((use) => built.stacks.data.queue(use.resource));

    test(`${worker.name}: the alarms watch the visible (and in-flight) messages of the queue it consumes`, () => {
      const target = scalableTarget(worker.name);
      for (const { alarm } of policies(target.id)) {
        const visible = alarm.Metrics.filter(
          (query) => query.MetricStat?.Metric.MetricName === 'ApproximateNumberOfMessagesVisible',
        );
        assert.equal(visible.length, queues.length);
        for (const queue of queues) {
          const queueId = built.stacks.data.getLogicalId(queue.node.defaultChild as never);
          assert.ok(
            visible.some((query) =>
              referencedNames(query.MetricStat?.Metric.Dimensions.map((dimension) => dimension.Value)).some((name) =>
                name.includes(queueId),
              ),
            ),
            `the alarm watches ${queueId}`,
          );
        }
        const returned = alarm.Metrics.filter((query) => query.ReturnData !== false);
        assert.equal(returned.length, 1);
        for (const query of alarm.Metrics.filter((candidate) => candidate.MetricStat)) {
          assert.ok(returned[0]?.Expression?.includes(query.Id), `the expression sums ${query.Id}`);
        }
      }
    });

    test(`${worker.name}: one visible message takes it from its minimum to at least one task`, () => {
      const target = scalableTarget(worker.name);
      assert.equal(target.min, 0, 'the default minimum is zero tasks');
      assert.equal(capacityAfter(target.id, target.min, 0, target), 0, 'an empty queue starts nothing');
      assert.ok(capacityAfter(target.id, target.min, 1, target) >= 1, 'one message starts a worker');
      assert.ok(capacityAfter(target.id, 1, 500, target) > 2, 'a large backlog adds several at once');
    });

    test(`${worker.name}: it scales in one task at a time after a sustained idle period, more slowly than out`, () => {
      const target = scalableTarget(worker.name);
      assert.equal(capacityAfter(target.id, 3, 0, target), 2);
      assert.equal(capacityAfter(target.id, 3, 5, target), 4, 'with work waiting it only grows');
      const scaleIn = policies(target.id).find(({ alarm }) => alarm.ComparisonOperator.startsWith('LessThan'));
      const scaleOut = policies(target.id).find(({ alarm }) => alarm.ComparisonOperator.startsWith('GreaterThan'));
      assert.ok(scaleIn && scaleOut);
      assert.ok(scaleIn.alarm.EvaluationPeriods > scaleOut.alarm.EvaluationPeriods);
      assert.ok(
        scaleIn.policy.StepScalingPolicyConfiguration.Cooldown >
          scaleOut.policy.StepScalingPolicyConfiguration.Cooldown,
      );
    });

    test(`${worker.name}: no load balancer, a 120 s stop timeout, and its own task protection`, () => {
      const service = built.stacks.services.services.get(worker.name);
      assert.ok(service);
      const serviceProps =
        resources[built.stacks.services.getLogicalId(service.node.defaultChild as never)]?.Properties;
      assert.equal(serviceProps?.LoadBalancers, undefined);
      assert.equal(serviceProps?.DesiredCount, undefined);
      const task = Object.values(resources).find(
        (resource) =>
          resource.Type === 'AWS::ECS::TaskDefinition' &&
          (resource.Properties.ContainerDefinitions as { Name: string }[])[0]?.Name === worker.name,
      );
      assert.ok(task, `${worker.name} has a task definition`);
      const container = (task.Properties.ContainerDefinitions as { StopTimeout: number; HealthCheck?: unknown }[])[0];
      assert.equal(container?.StopTimeout, 120);
      assert.ok(container?.HealthCheck, 'the container checks its own readiness');
      const policiesText = JSON.stringify(
        Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Policy'),
      );
      assert.match(policiesText, /ecs:UpdateTaskProtection/);
    });
  }
});
