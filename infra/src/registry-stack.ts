/**
 * One ECR repository per deployed service. Its own stack, deployed first: the first images must
 * be pushed (and the image-tag parameter written) before the services stack can start tasks.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';
import { type Catalogue, deployedServices } from './catalogue.ts';
import { repositoryName, type Settings } from './settings.ts';

export interface RegistryStackProps extends StackProps {
  readonly catalogue: Catalogue;
  readonly settings: Settings;
}

/** Images kept per repository: enough to roll back a few releases by hand. */
export const imagesKept = 20;

export class RegistryStack extends Stack {
  readonly repositories = new Map<string, ecr.Repository>();

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    const { catalogue, settings } = props;
    const dev = settings.stage === 'dev';
    for (const service of deployedServices(catalogue)) {
      const repository = new ecr.Repository(this, `${service.name}-images`, {
        repositoryName: repositoryName(settings, service),
        imageScanOnPush: true,
        // Tags are commit ids: a tag names one image forever.
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        lifecycleRules: [{ description: `keep the last ${imagesKept} images`, maxImageCount: imagesKept }],
        removalPolicy: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
        emptyOnDelete: dev,
      });
      this.repositories.set(service.name, repository);
    }
  }
}
