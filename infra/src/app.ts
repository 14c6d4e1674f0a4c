/**
 * The whole Agora deployment as CDK stacks, built from a catalogue:
 *   Network → Data → Registry → Services → Pipeline, and Web (S3 + CloudFront, in front of Services;
 *   none with edge=none)
 * Every stack is environment-agnostic (no account or region, no lookups).
 */
import { type App, Aspects, CfnDeletionPolicy, CfnResource, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Catalogue } from './catalogue.ts';
import { DataStack } from './data-stack.ts';
import { NetworkStack } from './network-stack.ts';
import { PipelineStack } from './pipeline-stack.ts';
import { RegistryStack } from './registry-stack.ts';
import { ServicesStack } from './services-stack.ts';
import { readSettings, type Settings } from './settings.ts';
import { WebStack } from './web-stack.ts';

export interface AgoraStacks {
  readonly settings: Settings;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly registry: RegistryStack;
  readonly services: ServicesStack;
  readonly pipeline: PipelineStack;
  /** absent with edge=none */
  readonly web?: WebStack;
}

function stackPrefix(prefix: string): string {
  return prefix
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Every Retain left in the app (CDK's own defaults too, such as the pipeline's artifact bucket)
 * becomes RetainExceptOnCreate: a resource made by a stack creation that fails is removed by the
 * rollback, so nothing is left behind to collide with, or litter, the next attempt.
 */
const retryableCreates: IAspect = {
  visit(node: IConstruct) {
    if (node instanceof CfnResource && node.cfnOptions.deletionPolicy === CfnDeletionPolicy.RETAIN) {
      node.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
    }
  },
};

export function buildAgora(app: App, catalogue: Catalogue): AgoraStacks {
  Aspects.of(app).add(retryableCreates);
  const settings = readSettings(app.node);
  const name = stackPrefix(settings.prefix);
  const tags = { project: settings.prefix };
  const network = new NetworkStack(app, `${name}Network`, {
    settings,
    tags,
    description: 'Agora: VPC over two AZs',
  });
  const data = new DataStack(app, `${name}Data`, {
    catalogue,
    settings,
    tags,
    description: 'Agora: tables, bucket, queues, topics',
  });
  const registry = new RegistryStack(app, `${name}Registry`, {
    catalogue,
    settings,
    tags,
    description: 'Agora: one ECR repository per service image, and the token-signing key secret',
  });
  const services = new ServicesStack(app, `${name}Services`, {
    catalogue,
    settings,
    tags,
    vpc: network.vpc,
    taskSubnets: network.taskSubnets,
    description: 'Agora: ECS cluster, ALB, Fargate services',
  });
  // By name, not by reference (resource-refs.ts): only the order of the deploys.
  services.addStackDependency(data);
  services.addStackDependency(registry);
  const pipeline = new PipelineStack(app, `${name}Pipeline`, {
    catalogue,
    settings,
    tags,
    servicesStackName: services.stackName,
    description: 'Agora: CodePipeline from GitHub to ECS',
  });
  pipeline.addStackDependency(registry);
  pipeline.addStackDependency(services);
  // Without CloudFront (edge=none) there is no web app: the API alone, on the load balancer.
  const web =
    settings.edge === 'cloudfront'
      ? new WebStack(app, `${name}Web`, {
          settings,
          tags,
          description: 'Agora: the web app in S3 behind CloudFront, which forwards the API to the load balancer',
        })
      : undefined;
  // The load balancer's name reaches it through an SSM parameter the services stack writes.
  web?.addStackDependency(services);
  return { settings, network, data, registry, services, pipeline, web };
}
