/**
 * The delivery pipeline: Source (GitHub through a CodeConnections connection) → Build (CodeBuild,
 * privileged, runs /buildspec.yml: every image, tagged with the commit id) → Deploy (one ECS
 * rolling-update action per service; the stage fails when a deployment fails or rolls back),
 * then, only after every service deployed, the commit id is recorded as the image tag in SSM.
 * That parameter is the single owner of "which image runs": the services stack reads it at
 * deploy time, so `cdk deploy` never rolls a service back to an older or placeholder image.
 * A failed execution notifies an SNS topic.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as codestarconnections from 'aws-cdk-lib/aws-codestarconnections';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { codeBuildNodeImage } from './base-image.ts';
import { buildspecPath, imageDefinitionsFile } from './buildspec.ts';
import { type Catalogue, deployedServices } from './catalogue.ts';
import { imageTagParameterName, type Settings } from './settings.ts';

export interface PipelineStackProps extends StackProps {
  readonly catalogue: Catalogue;
  readonly settings: Settings;
  readonly repositories: ReadonlyMap<string, ecr.IRepository>;
  readonly services: ReadonlyMap<string, ecs.IBaseService>;
}

export class PipelineStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;
  readonly notifications: sns.Topic;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { catalogue, settings, repositories, services } = props;
    const removalPolicy = settings.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

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
    const deployActions = deployed.map((service) => {
      const ecsService = services.get(service.name);
      if (!ecsService) throw new Error(`no ECS service for ${service.name}`);
      return new actions.EcsDeployAction({
        actionName: `Deploy-${service.name}`,
        service: ecsService,
        imageFile: images.atPath(imageDefinitionsFile(service)),
        deploymentTimeout: Duration.minutes(30),
        runOrder: 1,
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
}
