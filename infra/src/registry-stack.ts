/**
 * What must exist before any task can start, in its own stack, deployed first: one ECR repository
 * per deployed service (the first images are pushed, and the image-tag parameter written, before
 * the services stack starts tasks) and the secret that holds the token-signing key (the operator
 * puts the key in before the services stack starts the issuer).
 *
 * The secret is owned here so that the services stack references it by its complete ARN (the
 * `Ref` of the secret, with the suffix Secrets Manager adds): ECS documents `ValueFrom` as the
 * full ARN, and a partial one makes the task fail to start. The ARN reaches the services stack
 * through an SSM parameter, not an export, so it blocks no update of this stack.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { type Catalogue, deployedServices } from './catalogue.ts';
import {
  repositoryName,
  retention,
  type Settings,
  signingKeyArnParameterName,
  signingKeySecretName,
} from './settings.ts';

export interface RegistryStackProps extends StackProps {
  readonly catalogue: Catalogue;
  readonly settings: Settings;
}

/** Images kept per repository: enough to roll back a few releases by hand. */
export const imagesKept = 20;

export class RegistryStack extends Stack {
  readonly repositories = new Map<string, ecr.Repository>();
  readonly signingKey: secretsmanager.Secret;

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
        removalPolicy: retention(settings),
        emptyOnDelete: dev,
      });
      this.repositories.set(service.name, repository);
    }

    // Created with a random placeholder; the operator puts the real key in (README, "Deploy to
    // AWS", step 3). The placeholder is no key, so an issuer started too early fails loudly.
    this.signingKey = new secretsmanager.Secret(this, 'SigningKey', {
      secretName: signingKeySecretName(settings),
      description: 'The token-signing key (EC P-256, PKCS#8 PEM) of the service that issues tokens',
      removalPolicy: retention(settings),
    });
    new ssm.StringParameter(this, 'SigningKeyArn', {
      parameterName: signingKeyArnParameterName(settings),
      description: 'The complete ARN of the token-signing key secret (read by the services stack at deploy time)',
      stringValue: this.signingKey.secretArn,
    });
  }
}
