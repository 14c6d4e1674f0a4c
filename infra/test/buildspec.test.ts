/**
 * The committed /buildspec.yml builds one image per deployed service in the catalogue, from
 * Dockerfile.base with the catalogue's build arguments, and writes one imagedefinitions
 * entry per ECS deploy action of the pipeline, named after that action's container.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { imageBuildArgs } from '@agora/catalogue';
import { parse } from 'yaml';
import { dockerfileNodeImage } from '../src/base-image.ts';
import { buildspecPath, renderBuildspec } from '../src/buildspec.ts';
import { type Catalogue, deployedServices, platformCatalogue } from '../src/catalogue.ts';
import { catalogueWithWorker, resourcesOfType, synthesize } from './helpers.ts';

const committed = readFileSync(new URL(`../../${buildspecPath}`, import.meta.url), 'utf8');

interface Buildspec {
  version: number;
  phases: Record<string, { commands: string[]; 'on-failure'?: string }>;
  artifacts: { files: string[] };
}

function imagesBuilt(spec: Buildspec) {
  const commands = Object.values(spec.phases).flatMap((phase) => phase.commands);
  return commands
    .map((command) => command.match(/docker build -f Dockerfile\.base ((?:--build-arg \w+=\S+ )+).* -t "([^"]+)" \./))
    .filter((match) => match !== null)
    .map((match) => ({
      args: Object.fromEntries(
        [...(match[1] ?? '').matchAll(/--build-arg (\w+)=(\S+)/g)].map(([, name, value]) => [name, value]),
      ),
      image: match[2] ?? '',
    }));
}

/** `printf … <container> … > <file>` lines: the imagedefinitions each build writes. */
function imageDefinitions(spec: Buildspec) {
  const commands = Object.values(spec.phases).flatMap((phase) => phase.commands);
  return commands
    .map((command) => command.match(/^printf '\[\{"name":"%s","imageUri":"%s"\}\]' (\S+) "([^"]+)" > (\S+)$/))
    .filter((match) => match !== null)
    .map((match) => ({ container: match[1] ?? '', image: match[2] ?? '', file: match[3] ?? '' }));
}

test('the committed buildspec.yml is the one the catalogue gives (run `npm run buildspec -w infra`)', () => {
  assert.equal(committed, renderBuildspec(platformCatalogue()));
});

function checkAgainstPipeline(name: string, catalogue: Catalogue, text: string) {
  test(`${name}: one image per service, one imagedefinitions entry per ECS deploy action`, () => {
    const spec = parse(text) as Buildspec;
    const services = deployedServices(catalogue);
    const built = imagesBuilt(spec);
    // The catalogue's build arguments, service by service (buildspec-rehearsal.test.ts runs them).
    assert.deepEqual(
      built.map((image) => image.args),
      services.map((service) => ({ ...imageBuildArgs(service) })),
    );
    for (const image of built) assert.match(image.image, /:\$IMAGE_TAG$/, 'tagged with the commit id');
    const pushes = Object.values(spec.phases)
      .flatMap((phase) => phase.commands)
      .flatMap((command) => [...command.matchAll(/docker push "([^"]+)"/g)].map((match) => match[1]));
    assert.deepEqual(pushes.sort(), built.map((image) => image.image).sort(), 'each image built is pushed');
    assert.equal(spec.phases.build?.['on-failure'], 'ABORT', 'a failed build stops before anything is deployed');

    const synthesized = synthesize({ catalogue });
    const [[, pipeline] = []] = resourcesOfType(synthesized.templates.pipeline, 'AWS::CodePipeline::Pipeline');
    const stages = (pipeline?.Properties.Stages ?? []) as {
      Actions: { ActionTypeId: { Provider: string }; Configuration: { FileName?: string; ServiceName: unknown } }[];
    }[];
    const deployActions = stages.flatMap((stage) => stage.Actions).filter((a) => a.ActionTypeId.Provider === 'ECS');
    const definitions = imageDefinitions(spec);
    assert.equal(definitions.length, deployActions.length);
    assert.deepEqual(
      definitions.map((definition) => definition.file).sort(),
      deployActions.map((action) => action.Configuration.FileName).sort(),
    );
    assert.deepEqual(spec.artifacts.files.sort(), definitions.map((definition) => definition.file).sort());
    // Each entry names the container of the service its action deploys, with the image just pushed.
    const containers = resourcesOfType(synthesized.templates.services, 'AWS::ECS::TaskDefinition').map(
      ([, task]) => (task.Properties.ContainerDefinitions as { Name: string }[])[0]?.Name,
    );
    for (const definition of definitions) {
      assert.ok(containers.includes(definition.container), `${definition.container} is a container`);
      assert.ok(built.some((image) => image.image === definition.image));
      assert.equal(definition.file, `imagedefinitions-${definition.container}.json`);
    }
  });
}

checkAgainstPipeline('the committed buildspec', platformCatalogue(), committed);
checkAgainstPipeline('a catalogue with a worker', catalogueWithWorker(), renderBuildspec(catalogueWithWorker()));

test('the image build project takes the Node base from ECR Public (never Docker Hub) and keeps a Docker layer cache', () => {
  const synthesized = synthesize({ catalogue: platformCatalogue() });
  const projects = resourcesOfType(synthesized.templates.pipeline, 'AWS::CodeBuild::Project').filter(([, project]) =>
    JSON.stringify(project.Properties.Source).includes(buildspecPath),
  );
  assert.equal(projects.length, 1, 'one project runs buildspec.yml');
  const [[, project] = []] = projects;
  assert.ok(project);
  const variables = (project.Properties.Environment as { EnvironmentVariables: { Name: string; Value: unknown }[] })
    .EnvironmentVariables;
  const nodeImage = variables.find((variable) => variable.Name === 'NODE_IMAGE')?.Value;
  assert.equal(nodeImage, `public.ecr.aws/docker/library/${dockerfileNodeImage()}`);
  assert.match(dockerfileNodeImage(), /^node:\d+\.\d+\.\d+-\w+-slim$/);
  assert.deepEqual(project.Properties.Cache, { Type: 'LOCAL', Modes: ['LOCAL_DOCKER_LAYER_CACHE'] });
  // buildspec-rehearsal.test.ts runs buildspec.yml with NODE_IMAGE set and sees it reach every docker build.
});
