/**
 * The delivery pipeline: Source (GitHub through a CodeConnections connection) → Build (CodeBuild,
 * privileged, runs /buildspec.yml: every image, tagged with the commit id) → Deploy (one ECS
 * rolling-update action per service; the stage fails when a deployment fails or rolls back),
 * then, only after every service deployed, the commit id is recorded as the image tag in SSM.
 * That parameter is the single owner of "which image runs": the services stack reads it at
 * deploy time, so `cdk deploy` never rolls a service back to an older or placeholder image.
 * A failed execution notifies an SNS topic.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as codestarconnections from 'aws-cdk-lib/aws-codestarconnections';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { codeBuildNodeImage } from './base-image.ts';
import { buildspecPath, imageDefinitionsFile } from './buildspec.ts';
import { type Catalogue, deployedServices } from './catalogue.ts';
import { importRepositories } from './resource-refs.ts';
import { ecsServiceName, imageTagParameterName, retention, type Settings } from './settings.ts';

export interface PipelineStackProps extends StackProps {
  readonly catalogue: Catalogue;
  readonly settings: Settings;
  /** the stack whose ECS services, task definitions and task roles the deploy actions may touch */
  readonly servicesStackName: string;
}

export class PipelineStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;
  readonly notifications: sns.Topic;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { catalogue, settings } = props;
    const removalPolicy = retention(settings);
    // Repositories and ECS services by name (resource-refs.ts): no export blocks their stacks' updates.
    const repositories = importRepositories(this, catalogue, settings);
    const cluster = ecs.Cluster.fromClusterArn(
      this,
      'Cluster',
      this.formatArn({ service: 'ecs', resource: 'cluster', resourceName: settings.prefix }),
    );

    const connectionArn =
      settings.github.connectionArn ??
      new codestarconnections.CfnConnection(this, 'GitHubConnection', {
        connectionName: `${settings.prefix}-github`,
        providerType: 'GitHub',
      }).attrConnectionArn;

    const source = new codepipeline.Artifact('Source');
    const images = new codepipeline.Artifact('ImageDefinitions');
    const sourceAction = new actions.CodeStarConnectionsSourceAction({
      actionName: 'GitHub',
      connectionArn,
      owner: settings.github.owner,
      repo: settings.github.repo,
      branch: settings.github.branch,
      output: source,
      variablesNamespace: 'Source',
    });

    const registry = `${this.account}.dkr.ecr.${this.region}.${this.urlSuffix}`;
    const buildLogs = new logs.LogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
    const build = new codebuild.PipelineProject(this, 'ImageBuild', {
      description: 'Builds every service image from Dockerfile.base and pushes it to ECR',
      buildSpec: codebuild.BuildSpec.fromSourceFilename(buildspecPath),
      environment: {
        buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
        computeType: codebuild.ComputeType.SMALL,
        privileged: true, // docker build
      },
      environmentVariables: {
        REGISTRY: { value: registry },
        REPOSITORY_NAMESPACE: { value: settings.prefix },
        // The Node base from ECR Public's mirror of the official image, not Docker Hub.
        NODE_IMAGE: { value: codeBuildNodeImage() },
      },
      // Docker's layers stay on the build host between runs: an unchanged dependency install (and
      // the base image) is not rebuilt or pulled again.
      cache: codebuild.Cache.local(codebuild.LocalCacheMode.DOCKER_LAYER),
      timeout: Duration.minutes(30),
      logging: { cloudWatch: { logGroup: buildLogs } },
    });
    for (const repository of repositories.values()) {
      repository.grantPullPush(build);
      repository.grant(build, 'ecr:DescribeImages');
    }

    const parameterName = imageTagParameterName(settings);
    const record = new codebuild.PipelineProject(this, 'RecordImageTag', {
      description: 'Records the deployed commit id as the image tag every later cdk deploy uses',
      buildSpec: codebuild.BuildSpec.fromObject({
        version: 0.2,
        phases: {
          build: {
            commands: [
              'aws ssm put-parameter --name "$IMAGE_TAG_PARAMETER" --value "$IMAGE_TAG" --type String --overwrite',
            ],
          },
        },
      }),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
      environmentVariables: { IMAGE_TAG_PARAMETER: { value: parameterName } },
      timeout: Duration.minutes(5),
      logging: { cloudWatch: { logGroup: buildLogs } },
    });
    record.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:PutParameter'],
        resources: [this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.slice(1) })],
      }),
    );

    const deployed = deployedServices(catalogue);
    const deployRoles: iam.Role[] = [];
    const deployActions = deployed.map((service) => {
      const serviceName = ecsServiceName(settings, service);
      const role = this.deployRole(service.name, settings, serviceName, props.servicesStackName);
      deployRoles.push(role);
      return new actions.EcsDeployAction({
        actionName: `Deploy-${service.name}`,
        service: ecs.FargateService.fromFargateServiceAttributes(this, `${service.name}-service`, {
          cluster,
          serviceName,
        }),
        imageFile: images.atPath(imageDefinitionsFile(service)),
        deploymentTimeout: Duration.minutes(30),
        runOrder: 1,
        // CDK's own policy for this action allows ecs:UpdateService/RegisterTaskDefinition and
        // iam:PassRole on "*"; the role's policy is written here instead, and CDK may not add to it.
        role: role.withoutPolicyUpdates(),
      });
    });

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: `${settings.prefix}-delivery`,
      pipelineType: codepipeline.PipelineType.V2,
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: 'Source', actions: [sourceAction] },
        {
          stageName: 'Build',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'Images',
              project: build,
              input: source,
              outputs: [images],
              environmentVariables: { IMAGE_TAG: { value: sourceAction.variables.commitId } },
            }),
          ],
        },
        {
          stageName: 'Deploy',
          actions: [
            ...deployActions,
            new actions.CodeBuildAction({
              actionName: 'RecordImageTag',
              project: record,
              input: source,
              runOrder: 2,
              environmentVariables: { IMAGE_TAG: { value: sourceAction.variables.commitId } },
            }),
          ],
        },
      ],
    });

    for (const role of deployRoles) this.pipeline.artifactBucket.grantRead(role);

    const key = new kms.Key(this, 'NotificationsKey', {
      description: 'Encrypts the pipeline notifications topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('codestar-notifications.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${this.region}.${this.urlSuffix}` } },
      }),
    );
    this.notifications = new sns.Topic(this, 'PipelineNotifications', {
      topicName: `${settings.prefix}-pipeline-notifications`,
      masterKey: key,
      enforceSSL: true,
    });
    this.pipeline.notifyOn('failures', this.notifications, {
      events: [codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED],
    });

    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipelineName });
    new CfnOutput(this, 'NotificationsTopic', { value: this.notifications.topicArn });
    new CfnOutput(this, 'ConnectionArn', {
      value: connectionArn,
      description: 'Complete this connection once in the console (Developer Tools → Settings → Connections)',
    });
  }

  /**
   * The role of one ECS deploy action: what CodePipeline's ECS action calls, on that one service,
   * its own task definition family and the roles of the services stack's tasks.
   */
  private deployRole(name: string, settings: Settings, serviceName: string, servicesStackName: string): iam.Role {
    const role = new iam.Role(this, `Deploy-${name}-Role`, {
      assumedBy: new iam.AccountRootPrincipal(),
      description: `CodePipeline's ECS deploy action for ${serviceName}`,
    });
    const clusterArn = this.formatArn({ service: 'ecs', resource: 'cluster', resourceName: settings.prefix });
    const serviceArn = this.formatArn({
      service: 'ecs',
      resource: 'service',
      resourceName: `${settings.prefix}/${serviceName}`,
    });
    const taskDefinitions = this.formatArn({
      service: 'ecs',
      resource: 'task-definition',
      resourceName: `${serviceName}:*`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['ecs:UpdateService', 'ecs:DescribeServices'], resources: [serviceArn] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RegisterTaskDefinition', 'ecs:TagResource'],
        resources: [taskDefinitions, serviceArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks'],
        resources: [this.formatArn({ service: 'ecs', resource: 'task', resourceName: `${settings.prefix}/*` })],
      }),
    );
    // No resource-level permissions for these two (the ECS service authorization reference).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [
          this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${servicesStackName}-*` }),
        ],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    return role;
  }
}
