/**
 * What matters in the synthesized templates, checked against the catalogue: the real catalogue,
 * and the catalogue plus a token-verifying API and a worker (so every code path is exercised).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type Catalogue, deployedServices, platformCatalogue } from '../src/catalogue.ts';
import { interfaceEndpoints } from '../src/network-stack.ts';
import {
  arnText,
  catalogueWithWorker,
  referencedNames,
  resourcesOfType,
  type Synthesized,
  synthesize,
} from './helpers.ts';

const logicalId = (built: Synthesized, construct: IConstruct) => {
  const stack = built.stacks.data;
  return stack.getLogicalId(construct.node.defaultChild as never);
};

function checkCatalogue(name: string, catalogue: Catalogue) {
  describe(name, () => {
    const built = synthesize({ catalogue });
    const { data, services, pipeline } = built.templates;

    test('the listener rules are exactly the catalogue routes and priorities', () => {
      const rules = resourcesOfType(services, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(([, rule]) => {
        const conditions = rule.Properties.Conditions as { Field: string; PathPatternConfig: { Values: string[] } }[];
        const actions = rule.Properties.Actions as { TargetGroupArn: unknown }[];
        return {
          priority: rule.Properties.Priority,
          patterns: conditions.flatMap((condition) => condition.PathPatternConfig.Values),
          targets: referencedNames(actions.map((action) => action.TargetGroupArn)),
        };
      });
      const expected = catalogue.routes.map((route) => ({
        priority: route.priority,
        patterns: [...route.pathPatterns],
      }));
      assert.deepEqual(
        rules
          .map(({ priority, patterns }) => ({ priority, patterns }))
          .sort((a, b) => Number(a.priority) - Number(b.priority)),
        expected.sort((a, b) => a.priority - b.priority),
      );
      // Each rule forwards to its own service's target group.
      for (const route of catalogue.routes) {
        const rule = rules.find((candidate) => candidate.priority === route.priority);
        const targetGroup = built.stacks.services.node.findChild(`${route.service}-targets`);
        const id = built.stacks.services.getLogicalId(targetGroup.node.defaultChild as never);
        assert.deepEqual(rule?.targets, [id], `route ${route.priority} forwards to ${route.service}`);
      }
    });

    test('every queue has a dead-letter queue with the catalogue maxReceiveCount, and SSE', () => {
      for (const queue of catalogue.queues) {
        const main = built.stacks.data.queue(queue.id);
        const deadLetters = built.stacks.data.deadLetterQueues.get(queue.id);
        assert.ok(deadLetters, `${queue.id} has a dead-letter queue`);
        data.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `agora-${queue.name}`,
          VisibilityTimeout: queue.visibilityTimeoutSeconds,
          SqsManagedSseEnabled: true,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(built, deadLetters), 'Arn'] },
            maxReceiveCount: queue.maxReceiveCount,
          },
        });
        assert.ok(main);
      }
    });

    test('every table has its keys, indexes, point-in-time recovery and encryption; prod retains it', () => {
      for (const table of catalogue.tables) {
        data.hasResource('AWS::DynamoDB::Table', {
          DeletionPolicy: 'RetainExceptOnCreate',
          Properties: Match.objectLike({
            TableName: `agora-${table.name}`,
            KeySchema: [
              { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
              ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' }] : []),
            ],
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            TimeToLiveSpecification: table.timeToLiveAttribute
              ? { AttributeName: table.timeToLiveAttribute, Enabled: true }
              : Match.absent(),
            SSESpecification: { SSEEnabled: true },
            ...(table.globalIndexes.length > 0
              ? {
                  GlobalSecondaryIndexes: table.globalIndexes.map((index) =>
                    Match.objectLike({ IndexName: index.name }),
                  ),
                }
              : {}),
          }),
        });
      }
    });

    test('each topic is encrypted; each subscription carries its filter policy', () => {
      data.resourcePropertiesCountIs('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() }, catalogue.topics.length);
      for (const subscription of catalogue.subscriptions) {
        const queue = built.stacks.data.queue(subscription.queue);
        data.hasResourceProperties('AWS::SNS::Subscription', {
          Protocol: 'sqs',
          RawMessageDelivery: true,
          Endpoint: { 'Fn::GetAtt': [logicalId(built, queue), 'Arn'] },
          FilterPolicy: subscription.filterPolicy,
        });
      }
    });

    test('the bucket blocks public access, expires old uploads and notifies its queue of new objects', () => {
      for (const bucket of catalogue.buckets) {
        const queue = built.stacks.data.queue(bucket.notifyQueue);
        data.hasResourceProperties('Custom::S3BucketNotifications', {
          NotificationConfiguration: {
            QueueConfigurations: [
              { Events: ['s3:ObjectCreated:*'], QueueArn: { 'Fn::GetAtt': [logicalId(built, queue), 'Arn'] } },
            ],
          },
        });
        data.hasResourceProperties('AWS::S3::Bucket', {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: bucket.expireAfterDays, Status: 'Enabled' })]),
          },
        });
      }
    });

    test('every service rolls out 100/200 with the circuit breaker and rollback, and leaves desiredCount to scaling; a single-task one runs one, stopped before its successor starts', () => {
      const ecsServices = resourcesOfType(services, 'AWS::ECS::Service');
      assert.equal(ecsServices.length, deployedServices(catalogue).length);
      const single = new Set(
        deployedServices(catalogue)
          .filter((s) => s.singleTask)
          .map((s) => s.name),
      );
      for (const [id, service] of ecsServices) {
        const config = service.Properties.DeploymentConfiguration as Record<string, unknown>;
        const name = String(JSON.stringify(service.Properties.ServiceName)).match(/-([\w-]+)"$/)?.[1] ?? '';
        const isSingle = [...single].some((candidate) => name.endsWith(candidate));
        assert.deepEqual(config.DeploymentCircuitBreaker, { Enable: true, Rollback: true }, id);
        assert.equal(config.MinimumHealthyPercent, isSingle ? 0 : 100, id);
        assert.equal(config.MaximumPercent, isSingle ? 100 : 200, id);
        assert.equal(service.Properties.DesiredCount, isSingle ? 1 : undefined, `${id}'s DesiredCount`);
      }
      assert.equal(
        ecsServices.filter(([, service]) => service.Properties.DesiredCount === 1).length,
        single.size,
        'every single-task service found',
      );
      services.resourceCountIs(
        'AWS::ApplicationAutoScaling::ScalableTarget',
        deployedServices(catalogue).length - single.size,
      );
    });

    test('api services: /ready health checks, short deregistration, grace period, 5xx deployment alarm, two scaling policies', () => {
      for (const service of deployedServices(catalogue).filter((candidate) => candidate.kind === 'api')) {
        services.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
          Port: service.containerPort,
          TargetType: 'ip',
          HealthCheckPath: '/ready',
          TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '15' }]),
        });
        const container = services.findResources('AWS::ECS::TaskDefinition', {
          Properties: { ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: service.name })]) },
        });
        const [task] = Object.values(container) as {
          Properties: { ContainerDefinitions: { Name: string; StopTimeout: number }[] };
        }[];
        assert.ok(task, `${service.name} has a task definition`);
        assert.ok(
          (task.Properties.ContainerDefinitions.find((c) => c.Name === service.name)?.StopTimeout ?? 0) > 15,
          'stop timeout exceeds deregistration',
        );
      }
      const apis = resourcesOfType(services, 'AWS::ECS::Service').filter(([, s]) => s.Properties.LoadBalancers);
      for (const [id, service] of apis) {
        assert.equal(service.Properties.HealthCheckGracePeriodSeconds, 60, id);
        const alarms = (service.Properties.DeploymentConfiguration as { Alarms: { AlarmNames: unknown[] } }).Alarms;
        const [alarmId] = referencedNames(alarms.AlarmNames);
        const alarm = services.toJSON().Resources[alarmId as string];
        assert.equal(alarm.Properties.MetricName, 'HTTPCode_Target_5XX_Count', `${id} rolls back on target 5xx`);
      }
      const metrics = resourcesOfType(services, 'AWS::ApplicationAutoScaling::ScalingPolicy')
        .filter(([, policy]) => policy.Properties.TargetTrackingScalingPolicyConfiguration)
        .map(
          ([, policy]) =>
            (
              policy.Properties.TargetTrackingScalingPolicyConfiguration as {
                PredefinedMetricSpecification: { PredefinedMetricType: string };
              }
            ).PredefinedMetricSpecification.PredefinedMetricType,
        );
      assert.equal(metrics.filter((metric) => metric === 'ECSServiceAverageCPUUtilization').length, apis.length);
      assert.equal(metrics.filter((metric) => metric === 'ALBRequestCountPerTarget').length, apis.length);
    });

    test('each task role touches only the resources its service uses, found by name', () => {
      const dataStack = built.stacks.data;
      const dataResources = data.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
      /** a resource's physical name as the services stack spells it in an ARN */
      const physical = (id: string): string[] => {
        const resource = dataStack.resource(id);
        // A task's own queues: `<prefix>-*`, and the topic they subscribe to.
        if (resource.kind === 'taskQueues') {
          const topicId = catalogue.taskQueues.find((definition) => definition.id === id)?.topic as string;
          return [`${resource.namePrefix}-*`, ...physical(topicId)];
        }
        const construct = { table: 'table', queue: 'queue', topic: 'topic', bucket: 'bucket' }[resource.kind];
        const logical = dataStack.getLogicalId(
          (resource as unknown as Record<string, IConstruct>)[construct]?.node.defaultChild as never,
        );
        const properties = dataResources[logical]?.Properties ?? {};
        const name = properties.TableName ?? properties.QueueName ?? properties.TopicName ?? properties.BucketName;
        return [arnText(name)];
      };
      for (const service of deployedServices(catalogue)) {
        const allowed = [...new Set(service.uses.flatMap((use) => physical(use.resource)))];
        const taskRole = built.stacks.services.node.findChild(`${service.name}-task`).node.findChild('TaskRole');
        const policyId = built.stacks.services.getLogicalId(
          taskRole.node.findChild('DefaultPolicy').node.defaultChild as never,
        );
        const policy = services.toJSON().Resources[policyId];
        const statements = policy.Properties.PolicyDocument.Statement as {
          Action: string | string[];
          Resource: unknown;
        }[];
        const reached = new Set<string>();
        for (const statement of statements) {
          const actions = [statement.Action].flat();
          assert.ok(
            !actions.some((action) => action === '*' || action.endsWith(':*')),
            `${service.name}: no wildcard action`,
          );
          // The trace collector's X-Ray statement (no resource-level permissions; observability.test.ts checks it).
          if (actions.every((action) => action.startsWith('xray:'))) continue;
          assert.notEqual(statement.Resource, '*', `${service.name}: no wildcard resource`);
          for (const resource of [statement.Resource].flat().map(arnText)) {
            const own = allowed.find((name) =>
              new RegExp(`[:/]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/index/\\*|/stream/\\*|/\\*)?$`).test(
                resource,
              ),
            );
            const ownTasks =
              /:task\/<Ref [A-Za-z0-9]+>\/\*$/.test(resource) &&
              actions.every((action) => action.endsWith('TaskProtection'));
            assert.ok(own || ownTasks, `${service.name} may not reach ${resource}`);
            if (own) reached.add(own);
          }
        }
        assert.deepEqual([...reached].sort(), [...allowed].sort(), `${service.name} reaches every resource it uses`);
      }
    });

    test('containers get their resources from the environment; the signing key only as a secret', () => {
      for (const service of deployedServices(catalogue)) {
        const tasks = services.findResources('AWS::ECS::TaskDefinition', {
          Properties: { ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: service.name })]) },
        });
        const [task] = Object.values(tasks) as {
          Properties: {
            ContainerDefinitions: {
              Name: string;
              Environment: { Name: string; Value: unknown }[];
              Secrets?: { Name: string }[];
              PortMappings: { ContainerPort: number }[];
            }[];
          };
        }[];
        const container = task?.Properties.ContainerDefinitions.find((candidate) => candidate.Name === service.name);
        assert.ok(container);
        const names = container.Environment.map((variable) => variable.Name);
        for (const use of service.uses) {
          assert.ok(
            names.includes(built.stacks.data.resource(use.resource).env),
            `${service.name} gets its ${use.resource}`,
          );
        }
        assert.equal(
          names.includes('JWKS_URL'),
          service.verifiesTokens,
          `${service.name}: JWKS_URL iff it verifies tokens`,
        );
        assert.ok(!names.includes('JWT_PRIVATE_KEY'), 'the signing key is never plain environment');
        assert.equal(
          container.Environment.find((variable) => variable.Name === 'NODE_OPTIONS')?.Value,
          service.nodeOptions,
          `${service.name} runs Node with its catalogue nodeOptions`,
        );
        assert.deepEqual(
          container.PortMappings.map((mapping) => mapping.ContainerPort),
          [service.containerPort],
        );
      }
      const issuers = resourcesOfType(services, 'AWS::ECS::TaskDefinition').filter(([, task]) =>
        JSON.stringify(task.Properties.ContainerDefinitions).includes('"JWT_PRIVATE_KEY"'),
      );
      assert.equal(issuers.length, 1, 'exactly one service holds the signing key');
    });

    test('the pipeline runs Source → Build → Deploy with one ECS deploy action per service', () => {
      const [[, resource] = []] = resourcesOfType(pipeline, 'AWS::CodePipeline::Pipeline');
      const stages = (resource?.Properties.Stages ?? []) as {
        Name: string;
        Actions: { Name: string; ActionTypeId: { Provider: string; Category: string } }[];
      }[];
      assert.deepEqual(
        stages.map((stage) => stage.Name),
        ['Source', 'Build', 'Deploy'],
      );
      const deploys = stages[2]?.Actions.filter((action) => action.ActionTypeId.Provider === 'ECS') ?? [];
      assert.deepEqual(
        deploys.map((action) => action.Name).sort(),
        deployedServices(catalogue)
          .map((service) => `Deploy-${service.name}`)
          .sort(),
      );
      pipeline.hasResourceProperties('AWS::CodeBuild::Project', {
        Environment: Match.objectLike({ PrivilegedMode: true }),
      });
      pipeline.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
        EventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'],
      });
    });

    test('one scan-on-push repository per deployed service, keeping the last images', () => {
      const { registry } = built.templates;
      registry.resourceCountIs('AWS::ECR::Repository', deployedServices(catalogue).length);
      for (const service of deployedServices(catalogue)) {
        registry.hasResourceProperties('AWS::ECR::Repository', {
          RepositoryName: `agora/${service.name}`,
          ImageScanningConfiguration: { ScanOnPush: true },
          ImageTagMutability: 'IMMUTABLE',
          LifecyclePolicy: Match.anyValue(),
        });
      }
    });
  });
}

checkCatalogue('the real catalogue', platformCatalogue());
checkCatalogue('the catalogue with a worker', catalogueWithWorker());

describe('context choices', () => {
  test('egress=endpoints: no NAT, interface endpoints, isolated task subnets; nat: NAT gateways', () => {
    const endpoints = synthesize({ context: { egress: 'endpoints' } }).templates.network;
    endpoints.resourceCountIs('AWS::EC2::NatGateway', 0);
    endpoints.resourcePropertiesCountIs(
      'AWS::EC2::VPCEndpoint',
      { VpcEndpointType: 'Interface' },
      Object.keys(interfaceEndpoints).length,
    );
    endpoints.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 2);
    // Verifiers reach the token issuer's JWKS by private DNS: the public ALB is out of reach.
    const withVerifier = synthesize({ catalogue: catalogueWithWorker(), context: { egress: 'endpoints' } });
    withVerifier.templates.services.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 1);
    withVerifier.templates.services.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Environment: Match.arrayWith([
            {
              Name: 'JWKS_URL',
              Value: Match.stringLikeRegexp('^http://[a-z-]+\\.agora\\.internal:\\d+/\\.well-known/jwks\\.json$'),
            },
          ]),
        }),
      ]),
    });
    const nat = synthesize({ context: { natGateways: 2 } }).templates.network;
    nat.resourceCountIs('AWS::EC2::NatGateway', 2);
    nat.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
    nat.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 2);
  });

  test('without CloudFront, a certificate gives an HTTPS listener with the rules and an HTTP redirect', () => {
    // (behind CloudFront, the default: 443 from CloudFront only, no redirect; edge-address.test.ts)
    const { services } = synthesize({
      catalogue: catalogueWithWorker(),
      context: {
        edge: 'none',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        domainName: 'agora.example.com',
      },
    }).templates;
    services.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    services.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect' })],
    });
    services.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'JWKS_URL', Value: 'https://agora.example.com/.well-known/jwks.json' },
          ]),
        }),
      ]),
    });
  });

  test('stage=dev destroys data on stack deletion; the default (prod) retains it except on a failed create', () => {
    const dev = synthesize({ context: { stage: 'dev' } }).templates.data;
    assert.equal(Object.keys(dev.findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' })).length, 0);
    assert.equal(
      Object.keys(dev.findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' })).length,
      platformCatalogue().tables.length,
    );
  });

  test('a bad context value fails the synth with a clear message', () => {
    assert.throws(() => synthesize({ context: { egress: 'carrier-pigeon' } }), /egress must be one of nat, endpoints/);
    assert.throws(
      () => synthesize({ context: { certificateArn: 'arn:aws:acm:eu-west-1:1:certificate/x' } }),
      /needs domainName/,
    );
  });

  test('an e-mail subscription from context', () => {
    const [topic] = platformCatalogue().topics.slice(-1);
    assert.ok(topic);
    const { data } = synthesize({ context: { [`email:${topic.id}`]: 'ops@example.com' } }).templates;
    data.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});
