/**
 * The Node base image of every service image: Dockerfile.base's `ARG NODE_IMAGE` (one place; it
 * follows the `node` devDependency). CodeBuild takes the same image from ECR Public's mirror of
 * Docker's official images, passed as the NODE_IMAGE build argument, so pipeline builds never pull
 * from Docker Hub (and its anonymous pull limits).
 */
import { readFileSync } from 'node:fs';

export const ecrPublicOfficialImages = 'public.ecr.aws/docker/library';

export function dockerfileNodeImage(): string {
  const dockerfile = readFileSync(new URL('../../Dockerfile.base', import.meta.url), 'utf8');
  const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
  if (!image) throw new Error('Dockerfile.base has no `ARG NODE_IMAGE=<image>` line');
  return image;
}

/** The base from ECR Public: docker.io/library/<name>:<tag> is mirrored as <mirror>/<name>:<tag>. */
export function codeBuildNodeImage(): string {
  return `${ecrPublicOfficialImages}/${dockerfileNodeImage()}`;
}
