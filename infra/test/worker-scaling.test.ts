/**
 * The worker scales to its work, read off the template and run through a simulation of
 * CloudWatch and Application Auto Scaling (scaling-simulation.ts): one task per file waiting or
 * in progress (up to the maximum), one long file keeps one task, a single message starts a task
 * from 0, and an idle queue returns to the minimum. The tables print as test diagnostics.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deployedServices } from '../src/catalogue.ts';
import { catalogueWithWorker, referencedNames, synthesize } from './helpers.ts';
import {
  type AlarmTemplate,
  type Minute,
  type PolicyTemplate,
  simulate,
  table,
  type Workload,
} from './scaling-simulation.ts';

interface MetricQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] } };
}
type Alarm = Omit<AlarmTemplate, 'Metrics'> & { Metrics: MetricQuery[] };

const catalogue = catalogueWithWorker();
const built = synthesize({ catalogue });
const resources = built.templates.services.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown> }
>;
// the workers scaled on queue depth (the stream relay runs one task, never scaled)
const workers = deployedServices(catalogue).filter((service) => service.kind === 'worker' && !service.singleTask);

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
      return {
        name: policyId,
        policy: policy.Properties as unknown as PolicyTemplate,
        alarm: alarm.Properties as unknown as Alarm,
      };
    });
}

describe('worker scaling', () => {
  test('the fixture has a worker', () => assert.ok(workers.length > 0));

  for (const worker of workers) {
    // The data stack's queues, by the name the services stack's alarms watch (no export between them).
    const queueNames = worker.uses
      .filter((use) => use.access === 'consume')
      .map((use) => {
        const queue = built.stacks.data.queue(use.resource);
        const resource =
          built.templates.data.toJSON().Resources[built.stacks.data.getLogicalId(queue.node.defaultChild as never)];
        return resource.Properties.QueueName as string;
      });

    test(`${worker.name}: the alarms watch the visible (and in-flight) messages of the queue it consumes`, () => {
      const target = scalableTarget(worker.name);
      for (const { alarm } of policies(target.id)) {
        const visible = alarm.Metrics.filter(
          (query) => query.MetricStat?.Metric.MetricName === 'ApproximateNumberOfMessagesVisible',
        );
        assert.equal(visible.length, queueNames.length);
        for (const queueName of queueNames) {
          assert.ok(
            visible.some((query) =>
              query.MetricStat?.Metric.Dimensions.some(
                (dimension) => dimension.Name === 'QueueName' && dimension.Value === queueName,
              ),
            ),
            `the alarm watches ${queueName}`,
          );
        }
        const returned = alarm.Metrics.filter((query) => query.ReturnData !== false);
        assert.equal(returned.length, 1);
        for (const query of alarm.Metrics.filter((candidate) => candidate.MetricStat)) {
          assert.ok(returned[0]?.Expression?.includes(query.Id), `the expression sums ${query.Id}`);
        }
      }
    });

    const target = scalableTarget(worker.name);
    const scaling = { min: target.min, max: target.max, policies: policies(target.id) };
    const names = scaling.policies.map(({ name }) => (/Idle/.test(name) ? 'idle' : /Work/.test(name) ? 'work' : name));
    const run = (workload: Workload, t: { diagnostic: (message: string) => void }) => {
      const minutes = simulate(scaling, workload);
      const printed = table(workload, minutes, names);
      t.diagnostic(printed);
      if (process.env.AGORA_PRINT_SCALING) console.log(printed);
      return minutes;
    };
    const peak = (minutes: readonly Minute[]) => Math.max(...minutes.map((minute) => minute.desired));
    const firstMinute = (minutes: readonly Minute[], check: (minute: Minute) => boolean) => minutes.find(check)?.minute;

    test(`${worker.name}: the default minimum is 0 tasks and the maximum more than 1`, () => {
      assert.equal(target.min, 0);
      assert.ok(target.max > 1);
    });

    test(`${worker.name}: one 1M-row file (assumed 40 min of work) starts one task from 0 and keeps exactly one`, (t) => {
      const minutes = run(
        {
          name: 'one 1M-row file (assumed 40 min of work), from 0 tasks',
          minutes: 75,
          files: [{ at: 30, seconds: 40 * 60 }],
        },
        t,
      );
      assert.equal(peak(minutes), 1, 'one file never asks for a second task');
      const started = firstMinute(minutes, (minute) => minute.running === 1);
      assert.ok(started !== undefined && started <= 4, `a task runs within minutes (minute ${started})`);
      const finished = firstMinute(minutes, (minute) => minute.minute > 5 && minute.visible + minute.inFlight === 0);
      assert.ok(finished !== undefined);
      assert.equal(minutes.at(-1)?.desired, target.min, 'back to the minimum once idle');
    });

    test(`${worker.name}: ten small files at once get one task each, up to the maximum`, (t) => {
      const files = Array.from({ length: 10 }, (_, index) => ({ at: 10 + index, seconds: 3 * 60 }));
      const minutes = run(
        { name: 'ten small files at once (3 min of work each), from 0 tasks', minutes: 40, files },
        t,
      );
      assert.equal(peak(minutes), Math.min(10, target.max));
      assert.ok(minutes.some((minute) => minute.running === Math.min(10, target.max)));
      assert.equal(minutes.at(-1)?.desired, target.min);
      assert.equal(minutes.at(-1)?.visible, 0);
    });

    test(`${worker.name}: a trickle of one file a minute settles on one task`, (t) => {
      const files = Array.from({ length: 30 }, (_, index) => ({ at: 20 + index * 60, seconds: 20 }));
      const minutes = run(
        { name: 'a trickle: one file a minute for 30 min (20 s of work each)', minutes: 55, files },
        t,
      );
      // The first file waits for a cold start while the second arrives: two files, two tasks, briefly.
      assert.ok(peak(minutes) <= 2);
      const during = minutes.filter((minute) => minute.minute >= 5 && minute.minute <= 30);
      assert.ok(
        during.every((minute) => minute.desired === 1),
        'no flapping between 0 and 1 while files keep coming',
      );
      assert.equal(minutes.at(-1)?.desired, target.min);
    });

    test(`${worker.name}: an idle hour brings three leftover tasks back to the minimum, and keeps them there`, (t) => {
      const minutes = run({ name: 'an idle hour, starting with 3 tasks', minutes: 60, files: [], startTasks: 3 }, t);
      const atMin = firstMinute(minutes, (minute) => minute.desired === target.min);
      assert.ok(atMin !== undefined && atMin <= 12, `at the minimum by minute ${atMin}`);
      assert.ok(
        minutes.filter((minute) => minute.minute >= (atMin ?? 0)).every((minute) => minute.desired === target.min),
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
