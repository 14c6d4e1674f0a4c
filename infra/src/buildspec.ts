/**
 * The CodeBuild buildspec, generated from the catalogue: one image per deployed service, built
 * from Dockerfile.base with the service's workspace as a build argument, tagged with the commit
 * id, pushed to its repository, and one imagedefinitions file per service for its ECS deploy
 * action. `npm run buildspec -w infra` writes it to /buildspec.yml; a test fails when the
 * committed file differs from what the catalogue gives.
 *
 * The build project supplies REGISTRY (`<account>.dkr.ecr.<region>.amazonaws.com`) and
 * REPOSITORY_NAMESPACE (the deployment prefix); the build action supplies IMAGE_TAG (the source
 * commit id). Optional: NODE_IMAGE replaces Dockerfile.base's Node base (the build project points
 * it at ECR Public's mirror of the official image, so CodeBuild never pulls from Docker Hub), and
 * EXTRA_CA_FILE names a CA bundle npm ci trusts inside the build (a TLS-intercepting proxy), passed
 * as a BuildKit secret. Each image's build arguments are the catalogue's (imageBuildArgs). An image whose tag is already in its repository is not rebuilt: tags are immutable,
 * and a retried execution, or the first pipeline run on the commit pushed by hand, must not fail.
 */
import { imageBuildArgs } from '@agora/catalogue';
import { stringify } from 'yaml';
import { type Catalogue, deployedServices, type ServiceDefinition } from './catalogue.ts';

export const buildspecPath = 'buildspec.yml';

export function imageDefinitionsFile(service: { readonly name: string }): string {
  return `imagedefinitions-${service.name}.json`;
}

function repository(service: ServiceDefinition): string {
  return `$REPOSITORY_NAMESPACE/${service.name}`;
}

function imageUri(service: ServiceDefinition): string {
  return `$REGISTRY/${repository(service)}:$IMAGE_TAG`;
}

/** The docker build of one service's image, as CodeBuild and the first push by hand run it. */
function dockerBuild(service: ServiceDefinition): string {
  const args = Object.entries(imageBuildArgs(service)).map(([name, value]) => `--build-arg ${name}=${value}`);
  // Shell expansions (bash's ${VAR:+words}), not template placeholders: present only when set.
  const optional = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion
    '${NODE_IMAGE:+--build-arg NODE_IMAGE="$NODE_IMAGE"}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion
    '${EXTRA_CA_FILE:+--secret id=extra-ca,src="$EXTRA_CA_FILE"}',
  ];
  return ['docker build -f Dockerfile.base', ...args, ...optional, `-t "${imageUri(service)}" .`].join(' ');
}

export function buildspec(catalogue: Catalogue): Record<string, unknown> {
  const services = deployedServices(catalogue);
  return {
    version: 0.2,
    // BuildKit: Dockerfile.base's cache and secret mounts need it.
    env: { shell: 'bash', variables: { DOCKER_BUILDKIT: '1' } },
    phases: {
      pre_build: {
        'on-failure': 'ABORT',
        commands: [
          'test -n "$IMAGE_TAG" || { echo "IMAGE_TAG (the commit id) is not set" >&2; exit 1; }',
          'aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY"',
        ],
      },
      build: {
        'on-failure': 'ABORT',
        commands: services.flatMap((service) => [
          `if aws ecr describe-images --repository-name "${repository(service)}" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then echo "${service.name}:$IMAGE_TAG is already pushed"; else ${dockerBuild(service)} && docker push "${imageUri(service)}"; fi`,
          `printf '[{"name":"%s","imageUri":"%s"}]' ${service.name} "${imageUri(service)}" > ${imageDefinitionsFile(service)}`,
        ]),
      },
    },
    artifacts: { files: services.map((service) => imageDefinitionsFile(service)) },
  };
}

/** The build's shell commands in order: what a first image push by hand runs (see README). */
export function buildCommands(catalogue: Catalogue): string[] {
  const phases = buildspec(catalogue).phases as Record<string, { commands: string[] }>;
  return [...(phases.pre_build?.commands ?? []), ...(phases.build?.commands ?? [])];
}

export function renderBuildspec(catalogue: Catalogue): string {
  const header = [
    '# Generated from the catalogue by `npm run buildspec -w infra`: do not edit by hand.',
    '# CodeBuild (the pipeline Build stage) builds every service image from Dockerfile.base,',
    '# tags it with the commit id, pushes it, and writes one imagedefinitions file per service.',
  ].join('\n');
  return `${header}\n${stringify(buildspec(catalogue), { lineWidth: 0 })}`;
}
