/**
 * The ECS cluster, the ALB and one Fargate service per catalogue service: an `api` gets a target
 * group, the listener rules of its catalogue routes and request/CPU scaling; a `worker` gets no
 * load balancer and scales on the backlog of the queues it consumes. Each task role is granted
 * exactly the resources the catalogue says the service uses.
 *
 * Images: every container runs `<repository>:<tag>`, the tag read at deploy time from the SSM
 * parameter the pipeline writes (see README, "Deploy to AWS"). CDK never names a tag itself, so a
 * later `cdk deploy` can only ever deploy what the pipeline last deployed.
 */

import { containerSettings, targetGroupSettings } from '@agora/catalogue';
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { type Catalogue, deployedServices, jwksPath, type ServiceDefinition, tokenIssuer } from './catalogue.ts';
import type { DataResource } from './data-stack.ts';
import { environmentValue, grantUse } from './grants.ts';
import {
  addCollectorConfig,
  addCollectorSidecar,
  type MonitoredApi,
  type MonitoredWorker,
  OperationsMonitoring,
  tracingEnvironment,
} from './observability.ts';
import { importRepositories, importResources } from './resource-refs.ts';
import {
  ecsServiceName,
  imageTagParameterName,
  loadBalancerDnsParameterName,
  retention,
  type Settings,
  signingKeyArnParameterName,
  trustedProxyHops,
} from './settings.ts';
import { addWebAcl } from './web-acl.ts';
import { addWorkerScaling } from './worker-scaling.ts';

export interface ServicesStackProps extends StackProps {
  readonly catalogue: Catalogue;
  readonly settings: Settings;
  readonly vpc: ec2.IVpc;
  readonly taskSubnets: ec2.SubnetSelection;
}

/** How long ECS waits after SIGTERM before SIGKILL (Fargate allows at most 120 s). */
export const stopTimeouts = {
  api: Duration.seconds(containerSettings.stopTimeoutSeconds.api),
  worker: Duration.seconds(containerSettings.stopTimeoutSeconds.worker),
} as const;
/** Shorter than the API stop timeout: the ALB stops sending before the task is told to stop. */
export const deregistrationDelay = Duration.seconds(targetGroupSettings.deregistrationDelaySeconds);
export const readinessPath = targetGroupSettings.healthCheckPath;

/** The AWS-managed prefix list of the addresses CloudFront reaches origins from. */
export const cloudFrontOriginFacingPrefixList = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * The ID of the CloudFront origin-facing prefix list in the stack's region, looked up by name at
 * deploy time (the ID differs per region, and a context lookup would tie the synth to an account).
 */
class CloudFrontPrefixList extends Construct {
  readonly prefixListId: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const lookup = new cr.AwsCustomResource(this, 'Lookup', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [cloudFrontOriginFacingPrefixList] }] },
        physicalResourceId: cr.PhysicalResourceId.of(cloudFrontOriginFacingPrefixList),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      // DescribeManagedPrefixLists has no resource-level permissions.
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    this.prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
  }
}

export class ServicesStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  /** the ECS service of each catalogue service, by name */
  readonly services = new Map<string, ecs.FargateService>();
  private readonly props: ServicesStackProps;
  private readonly imageTag: string;
  private readonly jwksUrl: string;
  private readonly signingKey: secretsmanager.ISecret;
  private readonly issuer?: ServiceDefinition;
  /** whether verifiers fetch the JWKS from the issuer by private DNS (the ALB out of their reach) */
  private readonly privateJwks: boolean;
  private readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** the data stack's resources and the registry's repositories, found by name (no exports) */
  private readonly resources: ReadonlyMap<string, DataResource>;
  private readonly repositories: ReadonlyMap<string, ecr.IRepository>;
  /** the ADOT collector's configuration, read by every task's sidecar */
  private readonly collectorConfig: ssm.StringParameter;
  private readonly monitoredApis: MonitoredApi[] = [];
  private readonly monitoredWorkers: MonitoredWorker[] = [];
  readonly operations: OperationsMonitoring;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    this.props = props;
    const { settings, vpc, catalogue } = props;
    this.resources = importResources(this, catalogue, settings);
    this.repositories = importRepositories(this, catalogue, settings);

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: settings.prefix,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    // Behind CloudFront the load balancer takes CloudFront's traffic only: nobody reaches it
    // around CloudFront, so the viewer address CloudFront passes on can be believed.
    const behindCloudFront = settings.edge === 'cloudfront';
    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: behindCloudFront
        ? 'The load balancer: HTTP(S) from CloudFront origin-facing addresses only, out only to the services'
        : 'The public load balancer: HTTP(S) from anywhere, out only to the services',
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: this.loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
    });
    addWebAcl(this, settings.prefix, this.loadBalancer.loadBalancerArn, settings.edge);
    const notFound = elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'application/problem+json',
      messageBody: JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route' }),
    });
    if (settings.certificateArn) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromArn(settings.certificateArn)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultAction: notFound,
        open: !behindCloudFront,
      });
      // CloudFront reaches it over HTTPS only; a redirect on 80 serves direct visitors alone.
      if (!behindCloudFront) this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
      this.jwksUrl = `https://${settings.domainName}${jwksPath}`;
    } else {
      const cleartext =
        'No certificateArn: the load balancer serves plain HTTP, so passwords and bearer tokens cross the internet in cleartext. ' +
        'Deploy with -c certificateArn=arn:aws:acm:… -c domainName=… (README, "Deploy to AWS").';
      if (settings.allowHttp) Annotations.of(this).addWarningV2('agora:plain-http', cleartext);
      else {
        Annotations.of(this).addError(
          `${cleartext} To deploy over HTTP anyway (a throwaway test), pass -c allowHttp=true.`,
        );
      }
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: notFound,
        open: !behindCloudFront,
      });
      this.jwksUrl = `http://${this.loadBalancer.loadBalancerDnsName}${jwksPath}`;
    }
    if (behindCloudFront) {
      // One rule: a prefix-list reference counts as its size (about 55) against the group's 60 rules.
      this.loadBalancerSecurityGroup.addIngressRule(
        ec2.Peer.prefixList(new CloudFrontPrefixList(this, 'CloudFrontOrigins').prefixListId),
        ec2.Port.tcp(settings.certificateArn ? 443 : 80),
        'from CloudFront only',
      );
    }
    this.issuer = tokenIssuer(catalogue);
    this.privateJwks = (settings.egress === 'endpoints' || behindCloudFront) && this.issuer !== undefined;
    if (this.privateJwks && this.issuer) {
      // Without internet egress a task cannot reach the public ALB's addresses, and behind
      // CloudFront the ALB refuses them, so verifiers fetch the JWKS from the issuer directly,
      // by its private DNS name.
      const namespace = this.cluster.addDefaultCloudMapNamespace({ name: `${settings.prefix}.internal`, vpc });
      this.jwksUrl = `http://${this.issuer.name}.${namespace.namespaceName}:${this.issuer.containerPort}${jwksPath}`;
    }

    this.imageTag = ssm.StringParameter.valueForStringParameter(this, imageTagParameterName(settings));
    this.collectorConfig = addCollectorConfig(this, settings);
    // The complete ARN (with Secrets Manager's suffix), read at deploy time from the parameter the
    // registry stack writes: a partial ARN in ValueFrom keeps the task from starting.
    this.signingKey = secretsmanager.Secret.fromSecretCompleteArn(
      this,
      'SigningKey',
      ssm.StringParameter.valueForStringParameter(this, signingKeyArnParameterName(settings)),
    );

    for (const route of catalogue.routes) {
      const target = catalogue.services.find((service) => service.name === route.service);
      if (target?.kind !== 'api') {
        throw new Error(`route ${route.priority} names "${route.service}", which is not an api service`);
      }
    }
    for (const service of deployedServices(catalogue)) {
      if (service.kind === 'api') this.addApiService(service);
      else this.addWorkerService(service);
    }
    const issuerService = this.issuer && this.services.get(this.issuer.name);
    if (this.privateJwks && this.issuer && issuerService) {
      for (const verifier of deployedServices(catalogue).filter((service) => service.verifiesTokens)) {
        const verifierService = this.services.get(verifier.name);
        if (!verifierService) continue;
        issuerService.connections.allowFrom(verifierService, ec2.Port.tcp(this.issuer.containerPort), 'JWKS');
      }
    }

    this.operations = new OperationsMonitoring(this, 'Operations', {
      catalogue,
      settings,
      cluster: this.cluster,
      apis: this.monitoredApis,
      workers: this.monitoredWorkers,
    });

    if (!behindCloudFront) {
      // Behind CloudFront the API is reached through the web stack's WebUrl (the ALB refuses anyone else).
      new CfnOutput(this, 'Url', {
        value: settings.domainName
          ? `https://${settings.domainName}`
          : `http://${this.loadBalancer.loadBalancerDnsName}`,
      });
    }
    new CfnOutput(this, 'LoadBalancerDnsName', { value: this.loadBalancer.loadBalancerDnsName });
    // For the web stack's CloudFront origin, by name (resource-refs.ts: no export to block updates).
    new ssm.StringParameter(this, 'LoadBalancerDnsNameParameter', {
      parameterName: loadBalancerDnsParameterName(settings),
      stringValue: this.loadBalancer.loadBalancerDnsName,
      description: 'The DNS name of the Agora load balancer (the web stack forwards the API to it)',
    });
  }

  private taskDefinition(service: ServiceDefinition, stopTimeout: Duration, healthCheck?: ecs.HealthCheck) {
    const { settings } = this.props;
    const repository = this.repositories.get(service.name);
    if (!repository) throw new Error(`no image repository for ${service.name}`);
    const taskDefinition = new ecs.FargateTaskDefinition(this, `${service.name}-task`, {
      family: `${settings.prefix}-${service.name}`,
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const environment: Record<string, string> = {
      PORT: String(service.containerPort),
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      AWS_REGION: this.region,
      ...(service.nodeOptions ? { NODE_OPTIONS: service.nodeOptions } : {}),
      ...tracingEnvironment(service, settings),
      // The proxies in front of an API (the ALB, CloudFront before it) that its client address is read past.
      ...(service.kind === 'api' ? { TRUSTED_PROXY_HOPS: String(trustedProxyHops(settings)) } : {}),
    };
    for (const use of service.uses) {
      const resource = this.resource(use.resource);
      grantUse(resource, use.access, taskDefinition.taskRole, service.name);
      environment[resource.env] = environmentValue(resource);
      if (resource.kind === 'taskQueues') environment[resource.topicEnv] = resource.topic.topicArn;
    }
    if (service.verifiesTokens) {
      if (!this.issuer) throw new Error(`${service.name} verifies tokens, but no service serves ${jwksPath}`);
      environment.JWKS_URL = this.jwksUrl;
    }
    const secrets: Record<string, ecs.Secret> = {};
    if (service.name === this.issuer?.name) secrets.JWT_PRIVATE_KEY = ecs.Secret.fromSecretsManager(this.signingKey);

    const logGroup = new logs.LogGroup(this, `${service.name}-logs`, {
      logGroupName: `/${settings.prefix}/${service.name}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: retention(settings),
    });
    const container = taskDefinition.addContainer(service.name, {
      containerName: service.name,
      image: ecs.ContainerImage.fromEcrRepository(repository, this.imageTag),
      portMappings: [{ containerPort: service.containerPort, name: 'http' }],
      // The image's `node` user, by number, and nothing written to the image's filesystem: the
      // services keep no local state (infra/test/task-definition-engine.test.ts runs them so).
      user: containerSettings.user,
      readonlyRootFilesystem: containerSettings.readonlyRootFilesystem,
      environment,
      secrets,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: service.name, logGroup }),
      stopTimeout,
      healthCheck,
    });
    addCollectorSidecar(
      taskDefinition,
      container,
      this.collectorConfig,
      ecs.LogDrivers.awsLogs({ streamPrefix: 'otel-collector', logGroup }),
    );
    return { taskDefinition, container };
  }

  private serviceProps(service: ServiceDefinition, taskDefinition: ecs.FargateTaskDefinition) {
    const securityGroup = new ec2.SecurityGroup(this, `${service.name}-security-group`, {
      vpc: this.props.vpc,
      description: `${service.name} tasks`,
      allowAllOutbound: true,
    });
    return {
      // Named, so the pipeline stack finds it by name rather than through an export.
      serviceName: ecsServiceName(this.props.settings, service),
      cluster: this.cluster,
      taskDefinition,
      vpcSubnets: this.props.taskSubnets,
      securityGroups: [securityGroup],
      assignPublicIp: false,
      // Rolling: start the new tasks before stopping old ones, never below the running count.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      // No desiredCount: the scalable target owns it, and a deploy must not reset it.
    } satisfies ecs.FargateServiceProps;
  }

  private addApiService(service: ServiceDefinition): void {
    const { settings, vpc, catalogue } = this.props;
    const { taskDefinition } = this.taskDefinition(service, stopTimeouts.api);
    const targetGroup = new elbv2.ApplicationTargetGroup(this, `${service.name}-targets`, {
      vpc,
      port: service.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay,
      healthCheck: {
        path: readinessPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(targetGroupSettings.healthCheckIntervalSeconds),
        timeout: Duration.seconds(targetGroupSettings.healthCheckTimeoutSeconds),
        healthyThresholdCount: targetGroupSettings.healthyThresholdCount,
        unhealthyThresholdCount: targetGroupSettings.unhealthyThresholdCount,
      },
    });
    for (const route of catalogue.routes.filter((rule) => rule.service === service.name)) {
      new elbv2.ApplicationListenerRule(this, `route-${route.priority}`, {
        listener: this.listener,
        priority: route.priority,
        conditions: [elbv2.ListenerCondition.pathPatterns([...route.pathPatterns])],
        action: elbv2.ListenerAction.forward([targetGroup]),
      });
    }
    const serverErrors = new cloudwatch.Alarm(this, `${service.name}-5xx`, {
      alarmDescription: `${service.name}: its targets answer 5xx (rolls back a deployment in progress)`,
      metric: targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: 10,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const discoverable = this.privateJwks && service.name === this.issuer?.name;
    const fargate = new ecs.FargateService(this, `${service.name}-service`, {
      ...this.serviceProps(service, taskDefinition),
      cloudMapOptions: discoverable ? { name: service.name, dnsTtl: Duration.seconds(10) } : undefined,
      healthCheckGracePeriod: Duration.seconds(60),
      deploymentAlarms: {
        alarmNames: [serverErrors.alarmName],
        behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
      },
    });
    fargate.attachToApplicationTargetGroup(targetGroup);
    fargate.connections.allowFrom(this.loadBalancerSecurityGroup, ec2.Port.tcp(service.containerPort), 'from the ALB');

    const scaling = fargate.autoScaleTaskCount({
      minCapacity: settings.apiMinTasks,
      maxCapacity: settings.apiMaxTasks,
    });
    this.monitoredApis.push({ service, targetGroup, ecsService: fargate, minTasks: settings.apiMinTasks });
    scaling.scaleOnCpuUtilization('cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    scaling.scaleOnRequestCount('requests', {
      targetGroup,
      requestsPerTarget: 1000,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    this.services.set(service.name, fargate);
  }

  private addWorkerService(service: ServiceDefinition): void {
    const { settings } = this.props;
    // No load balancer checks a worker: the container checks its own readiness endpoint.
    const probe = `fetch('http://127.0.0.1:${service.containerPort}${readinessPath}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
    const { taskDefinition } = this.taskDefinition(service, stopTimeouts.worker, {
      command: ['CMD', 'node', '-e', probe],
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(30),
    });
    if (service.singleTask) {
      // The one reader of a stream: exactly one task, and a deployment stops the old one before the
      // new one starts (two would publish every change twice); the gap is short and the new
      // reader tells the feeds to reload (stock.resync).
      const fargate = new ecs.FargateService(this, `${service.name}-service`, {
        ...this.serviceProps(service, taskDefinition),
        desiredCount: 1,
        minHealthyPercent: 0,
        maxHealthyPercent: 100,
      });
      this.monitoredWorkers.push({ service, ecsService: fargate, minTasks: 1, loadsFiles: false });
      this.services.set(service.name, fargate);
      return;
    }
    // The worker holds ECS task scale-in protection while a file is in progress.
    taskDefinition.addToTaskRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        resources: [
          Stack.of(this).formatArn({ service: 'ecs', resource: 'task', resourceName: `${this.cluster.clusterName}/*` }),
        ],
      }),
    );
    const fargate = new ecs.FargateService(this, `${service.name}-service`, this.serviceProps(service, taskDefinition));
    const consumed = service.uses
      .filter((use) => use.access === 'consume')
      .map((use) => {
        const resource = this.resource(use.resource);
        if (resource.kind !== 'queue') throw new Error(`${service.name} consumes "${use.resource}", which is no queue`);
        return resource.queue;
      });
    if (consumed.length === 0) throw new Error(`worker ${service.name} consumes no queue: nothing to scale on`);
    addWorkerScaling(fargate, consumed, { minTasks: settings.workerMinTasks, maxTasks: settings.workerMaxTasks });
    this.monitoredWorkers.push({ service, ecsService: fargate, minTasks: settings.workerMinTasks, loadsFiles: true });
    this.services.set(service.name, fargate);
  }

  private resource(id: string): DataResource {
    const found = this.resources.get(id);
    if (!found) throw new Error(`The catalogue names "${id}", which is no table, queue, topic or bucket`);
    return found;
  }
}
