/**
 * The image tag has exactly one owner: the pipeline. It records the commit it deployed in one SSM
 * parameter, after every ECS deploy action succeeded; every task definition CDK writes reads its
 * tag from that parameter at deploy time. So a later `cdk deploy` deploys exactly the images the
 * pipeline last deployed: never an older one, never a placeholder, and it leaves desired counts
 * to autoscaling.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployedServices } from '../src/catalogue.ts';
import { imageTagParameterName, readSettings, repositoryName } from '../src/settings.ts';
import { arnText, catalogueWithWorker, referencedNames, resourcesOfType, synthesize } from './helpers.ts';

const catalogue = catalogueWithWorker();
const built = synthesize({ catalogue });
const settings = readSettings(built.stacks.services.node);
const parameterName = imageTagParameterName(settings);
const services = built.templates.services.toJSON();
const pipelineTemplate = built.templates.pipeline;

interface Action {
  Name: string;
  RunOrder: number;
  ActionTypeId: { Provider: string };
  Configuration: { ProjectName?: unknown; EnvironmentVariables?: string };
}

const stages = (resourcesOfType(pipelineTemplate, 'AWS::CodePipeline::Pipeline')[0]?.[1].Properties.Stages ?? []) as {
  Name: string;
  Actions: Action[];
}[];

test('every container image is <its repository>:<the tag in the SSM parameter>, resolved at deploy time', () => {
  const parameters = services.Parameters as Record<string, { Type: string; Default: string }>;
  const tagParameters = Object.entries(parameters).filter(([, parameter]) => parameter.Default === parameterName);
  assert.equal(tagParameters.length, 1);
  const [tagParameterId, tagParameter] = tagParameters[0] as [string, { Type: string }];
  assert.equal(tagParameter.Type, 'AWS::SSM::Parameter::Value<String>');

  const tasks = resourcesOfType(built.templates.services, 'AWS::ECS::TaskDefinition');
  assert.equal(tasks.length, deployedServices(catalogue).length);
  for (const [id, task] of tasks) {
    const [container] = task.Properties.ContainerDefinitions as {
      Name: string;
      Image: { 'Fn::Join': [string, unknown[]] };
    }[];
    assert.ok(container);
    // its own repository, found by name (no export from the registry stack), and the parameter's tag
    assert.equal(
      arnText(container.Image),
      `<AWS::AccountId>.dkr.ecr.<AWS::Region>.<AWS::URLSuffix>/${repositoryName(settings, { name: container.Name })}:<Ref ${tagParameterId}>`,
      `${id}: its own repository, and the tag is the parameter, nothing else`,
    );
  }
});

test('no template creates the parameter, so no deploy can reset it to a placeholder', () => {
  for (const template of Object.values(built.templates)) {
    template.resourcePropertiesCountIs('AWS::SSM::Parameter', { Name: parameterName }, 0);
  }
  // the check can see a parameter: the registry stack does write the signing key's ARN
  built.templates.registry.resourceCountIs('AWS::SSM::Parameter', 1);
});

test('the pipeline records the commit id in that parameter only after every ECS deploy action', () => {
  const deploy = stages.find((stage) => stage.Name === 'Deploy');
  assert.ok(deploy);
  const ecsActions = deploy.Actions.filter((action) => action.ActionTypeId.Provider === 'ECS');
  const record = deploy.Actions.find((action) => action.Name === 'RecordImageTag');
  assert.ok(record);
  assert.ok(ecsActions.length > 0);
  for (const action of ecsActions)
    assert.ok(action.RunOrder < record.RunOrder, `${action.Name} runs before the record`);

  const build = stages.find((stage) => stage.Name === 'Build')?.Actions[0];
  assert.ok(build);
  const tagOf = (action: Action) =>
    (JSON.parse(action.Configuration.EnvironmentVariables ?? '[]') as { name: string; value: string }[]).find(
      (variable) => variable.name === 'IMAGE_TAG',
    )?.value;
  assert.equal(tagOf(build), '#{Source.CommitId}', 'images are tagged with the source commit');
  assert.equal(tagOf(record), tagOf(build), 'the recorded tag is the one the build pushed');

  const [recordProjectId] = referencedNames(record.Configuration.ProjectName);
  const project = pipelineTemplate.toJSON().Resources[recordProjectId as string];
  const variables = project.Properties.Environment.EnvironmentVariables as { Name: string; Value: string }[];
  assert.deepEqual(variables, [{ Name: 'IMAGE_TAG_PARAMETER', Type: 'PLAINTEXT', Value: parameterName }]);
  const spec = JSON.parse(project.Properties.Source.BuildSpec) as { phases: { build: { commands: string[] } } };
  assert.deepEqual(spec.phases.build.commands, [
    'aws ssm put-parameter --name "$IMAGE_TAG_PARAMETER" --value "$IMAGE_TAG" --type String --overwrite',
  ]);
});

test('only the recording project may write the parameter, and only that one', () => {
  const writers = resourcesOfType(pipelineTemplate, 'AWS::IAM::Policy').filter(([, policy]) =>
    JSON.stringify(policy.Properties.PolicyDocument).includes('ssm:PutParameter'),
  );
  assert.equal(writers.length, 1);
  const [[, writer] = []] = writers;
  assert.ok(writer);
  const statement = (
    writer.Properties.PolicyDocument as { Statement: { Action: string; Resource: unknown }[] }
  ).Statement.find((candidate) => candidate.Action === 'ssm:PutParameter');
  assert.match(JSON.stringify(statement?.Resource), new RegExp(`:parameter${parameterName}"`));
});

test('a second synth of the same commit writes identical task definitions and services (no churn on deploy)', () => {
  const again = synthesize({ catalogue }).templates.services.toJSON();
  for (const type of ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service']) {
    const pick = (template: { [key: string]: unknown }) =>
      Object.fromEntries(
        Object.entries(template.Resources as Record<string, { Type: string }>).filter(
          ([, resource]) => resource.Type === type,
        ),
      );
    assert.deepEqual(pick(again), pick(services));
  }
  const ecsServices = resourcesOfType(built.templates.services, 'AWS::ECS::Service');
  for (const [, service] of ecsServices) {
    // autoscaling owns the desired count; a single-task service (the stock relay) is never scaled: always 1
    assert.ok([undefined, 1].includes(service.Properties.DesiredCount as number | undefined));
    assert.deepEqual(service.Properties.DeploymentController, { Type: 'ECS' }, 'the ECS deploy action can roll it');
  }
  assert.equal(
    ecsServices.filter(([, service]) => service.Properties.DesiredCount === 1).length,
    catalogue.services.filter((service) => service.singleTask).length,
  );
});
