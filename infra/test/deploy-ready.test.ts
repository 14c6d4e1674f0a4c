/**
 * What a first `cdk deploy` on a real account needs and synth alone does not catch (issue 14).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { type Catalogue, deployedServices, platformCatalogue, serviceServing } from '../src/catalogue.ts';
import { signingKeyArnParameterName } from '../src/settings.ts';
import { rateLimits, signInPathPrefix } from '../src/web-acl.ts';
import {
  catalogueWithWorker,
  devEndpointsHttpsContext,
  resourcesOfType,
  type Synthesized,
  synthesize,
} from './helpers.ts';

type Template = {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
};

const templatesOf = (built: Synthesized): Record<string, Template> =>
  Object.fromEntries(Object.entries(built.templates).map(([name, template]) => [name, template.toJSON() as Template]));

describe('the signing key', () => {
  const built = synthesize();
  test('the issuer task reads it by the complete ARN: the Ref of a secret, through an SSM parameter', () => {
    const registry = built.templates.registry.toJSON() as Template;
    const secrets = resourcesOfType(built.templates.services, 'AWS::ECS::TaskDefinition').flatMap(([, task]) =>
      (
        task.Properties.ContainerDefinitions as { Name: string; Secrets?: { Name: string; ValueFrom: unknown }[] }[]
      ).flatMap(
        // the trace collector's one secret is its configuration (observability.test.ts)
        (container) => (container.Name === 'otel-collector' ? [] : (container.Secrets ?? [])),
      ),
    );
    assert.equal(secrets.length, 1);
    const valueFrom = secrets[0]?.ValueFrom as { Ref?: string };
    // ValueFrom is a template parameter resolved from SSM at deploy time…
    const parameter = built.templates.services.toJSON().Parameters?.[valueFrom.Ref ?? ''];
    assert.equal(parameter?.Type, 'AWS::SSM::Parameter::Value<String>');
    assert.equal(parameter?.Default, signingKeyArnParameterName(built.stacks.settings));
    // …which the registry stack writes with the secret's Ref: CloudFormation documents that as the full ARN.
    const [written] = Object.values(registry.Resources ?? {}).filter(
      (resource) => resource.Type === 'AWS::SSM::Parameter' && resource.Properties?.Name === parameter?.Default,
    );
    const ref = (written?.Properties?.Value as { Ref?: string })?.Ref ?? '';
    assert.equal(registry.Resources?.[ref]?.Type, 'AWS::SecretsManager::Secret');
    // the execution role may read exactly that ARN
    built.templates.services.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: { Ref: valueFrom.Ref },
          }),
        ]),
      },
    });
  });
});

describe('a failed first create can be retried', () => {
  const configurations = {
    'prod (default)': synthesize({ catalogue: catalogueWithWorker() }),
    'dev, endpoints, https': synthesize({ catalogue: catalogueWithWorker(), context: devEndpointsHttpsContext }),
  };
  for (const [name, built] of Object.entries(configurations)) {
    test(`${name}: no resource outlives the rollback of the create that made it`, () => {
      const stuck: string[] = [];
      let retainedOnDelete = 0;
      for (const [stack, template] of Object.entries(templatesOf(built))) {
        for (const [id, resource] of Object.entries(template.Resources ?? {})) {
          if (resource.DeletionPolicy === 'Retain')
            stuck.push(`${stack}/${id} (${resource.Type}): DeletionPolicy Retain`);
          if (resource.DeletionPolicy === 'RetainExceptOnCreate') retainedOnDelete++;
          // a resource CloudFormation may not delete makes the rollback itself fail
          if (resource.Properties?.DeletionProtectionEnabled === true) {
            stuck.push(`${stack}/${id} (${resource.Type}): deletion protection`);
          }
        }
      }
      assert.deepEqual(stuck, []);
      if (name.startsWith('prod'))
        assert.ok(retainedOnDelete > 10, `prod still keeps data on stack deletion (${retainedOnDelete})`);
    });
  }
});

/**
 * CloudFormation refuses to update a stack that removes an export, or changes its value, while
 * another stack imports it. `cdk deploy --all` updates the exporting stack before its importers,
 * so a change is accepted only if every export an importer uses before the change is still there
 * after it with the same value, and what that value refers to is unchanged.
 */
export function blockedExports(before: Record<string, Template>, after: Record<string, Template>): string[] {
  const imported = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object['Fn::ImportValue'] === 'string') imported.add(object['Fn::ImportValue']);
      Object.values(object).forEach(collect);
    }
  };
  for (const template of Object.values(before)) collect(template.Resources);
  const blocked: string[] = [];
  for (const [stack, template] of Object.entries(before)) {
    for (const output of Object.values(template.Outputs ?? {})) {
      const name = output.Export?.Name;
      if (typeof name !== 'string' || !imported.has(name)) continue;
      const kept = Object.values(after[stack]?.Outputs ?? {}).find((candidate) => candidate.Export?.Name === name);
      if (!kept) {
        blocked.push(`${stack}: export ${name} removed while imported`);
        continue;
      }
      if (JSON.stringify(kept.Value) !== JSON.stringify(output.Value)) {
        blocked.push(`${stack}: export ${name} changes its value while imported`);
        continue;
      }
      // the same expression over a changed resource (say, a table whose stream changed) is a changed value
      const refs = JSON.stringify(output.Value).match(/"(Ref|Fn::GetAtt)":\["?([A-Za-z0-9]+)/g) ?? [];
      for (const ref of refs) {
        const id = ref.replace(/^.*"([A-Za-z0-9]+)$/, '$1').replace(/^.*\["?/, '');
        const was = template.Resources?.[id];
        const is = after[stack]?.Resources?.[id];
        if (was && JSON.stringify(was) !== JSON.stringify(is)) {
          blocked.push(`${stack}: export ${name} refers to ${id}, which changes, while imported`);
        }
      }
    }
  }
  return blocked;
}

describe('catalogue changes deploy without blocked exports', () => {
  const base = catalogueWithWorker();
  const before = templatesOf(synthesize({ catalogue: base }));
  const changes: Record<string, Catalogue> = {
    'the stock relay drops its readStream use': {
      ...base,
      services: base.services.map((service) =>
        service.name === 'stock-relay'
          ? { ...service, uses: service.uses.filter((use) => use.access !== 'readStream') }
          : service,
      ),
    },
    'the inventory stream view type changes': {
      ...base,
      tables: base.tables.map((table) => (table.stream ? { ...table, stream: 'NEW_IMAGE' as const } : table)),
    },
    'the worker is removed': {
      ...base,
      services: base.services.filter((service) => service.kind !== 'worker'),
    },
  };
  for (const [name, catalogue] of Object.entries(changes)) {
    test(name, () => {
      const after = templatesOf(synthesize({ catalogue }));
      assert.notDeepEqual(after, before, 'the change changes the templates');
      assert.deepEqual(blockedExports(before, after), []);
    });
  }

  test('the check does catch an export removed or changed while imported', () => {
    const producer = (value: unknown, exported: boolean): Template => ({
      Resources: { Table: { Type: 'AWS::DynamoDB::Table', Properties: { StreamSpecification: value } } },
      Outputs: exported
        ? { Arn: { Value: { 'Fn::GetAtt': ['Table', 'StreamArn'] }, Export: { Name: 'Data:Arn' } } }
        : {},
    });
    const consumer: Template = {
      Resources: { Policy: { Type: 'AWS::IAM::Policy', Properties: { Resource: { 'Fn::ImportValue': 'Data:Arn' } } } },
    };
    const was = { data: producer('NEW_AND_OLD_IMAGES', true), services: consumer };
    assert.equal(blockedExports(was, { data: producer('NEW_AND_OLD_IMAGES', false), services: consumer }).length, 1);
    assert.equal(blockedExports(was, { data: producer('NEW_IMAGE', true), services: consumer }).length, 1);
    assert.equal(blockedExports(was, was).length, 0);
  });

  test('no data, registry or services value is imported by another stack', () => {
    const imports = JSON.stringify(before).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
    assert.ok(
      imports.every((entry) => entry.includes('Network')),
      imports.filter((entry) => !entry.includes('Network')).join(', '),
    );
  });
});

describe('egress=endpoints reaches every AWS API the services call', () => {
  // Every AWS SDK client a deployed workspace (and the runtime it uses) depends on, and where it goes.
  const clients = new Set<string>();
  const root = join(import.meta.dirname, '..', '..');
  const workspaces = [
    join(root, 'packages', 'runtime'),
    ...deployedServices(platformCatalogue()).map((service) => join(root, 'services', service.workspace)),
  ];
  for (const folder of workspaces) {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (name.startsWith('@aws-sdk/client-')) clients.add(name.slice('@aws-sdk/client-'.length));
    }
  }
  const gateway: Record<string, string> = { dynamodb: 'dynamodb', s3: 's3' };
  const endpointService: Record<string, string> = {
    sqs: 'sqs',
    sns: 'sns',
    'dynamodb-streams': 'dynamodb-streams',
    'secrets-manager': 'secretsmanager',
  };

  test('each SDK client has an interface or gateway endpoint', () => {
    assert.ok(readdirSync(root).includes('services'));
    assert.ok(clients.has('dynamodb-streams'), `clients found: ${[...clients].join(', ')}`);
    const built = synthesize({ context: { egress: 'endpoints' } });
    const endpoints = resourcesOfType(built.templates.network, 'AWS::EC2::VPCEndpoint').map(([, endpoint]) =>
      JSON.stringify(endpoint.Properties.ServiceName),
    );
    const missing = [...clients].filter((client) => {
      const service = gateway[client] ?? endpointService[client];
      assert.ok(service, `the test knows where @aws-sdk/client-${client} goes`);
      return !endpoints.some((name) => name.includes(`.${service}"`) || name.endsWith(`.${service}`));
    });
    assert.deepEqual(missing, []);
  });
});

describe('HTTPS by default', () => {
  test('without a certificate the synth fails with an error naming certificateArn', () => {
    const built = synthesize();
    Annotations.fromStack(built.stacks.services).hasError(
      '*',
      Match.stringLikeRegexp('certificateArn.*cleartext|cleartext.*certificateArn'),
    );
  });
  test('-c allowHttp=true turns the error into a warning, still there', () => {
    const built = synthesize({ context: { allowHttp: 'true' } });
    const annotations = Annotations.fromStack(built.stacks.services);
    assert.equal(annotations.findError('*', Match.anyValue()).length, 0);
    annotations.hasWarning('*', Match.stringLikeRegexp('cleartext'));
  });
  test('with a certificate: neither', () => {
    const built = synthesize({
      context: { certificateArn: devEndpointsHttpsContext.certificateArn, domainName: 'agora.example.com' },
    });
    const annotations = Annotations.fromStack(built.stacks.services);
    assert.equal(annotations.findError('*', Match.anyValue()).length, 0);
    assert.equal(annotations.findWarning('*', Match.stringLikeRegexp('cleartext')).length, 0);
  });
});

describe('the ECS deploy actions', () => {
  const built = synthesize({ catalogue: catalogueWithWorker() });
  const policies = resourcesOfType(built.templates.pipeline, 'AWS::IAM::Policy');
  test('no statement grants an ECS write or iam:PassRole on "*"; each role reaches only its own service', () => {
    const text = (value: unknown) => JSON.stringify(value);
    let deployRoles = 0;
    for (const [id, policy] of policies) {
      const statements = (
        policy.Properties.PolicyDocument as {
          Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
        }
      ).Statement;
      for (const statement of statements) {
        const actions = [statement.Action].flat();
        const wildcard = [statement.Resource].flat().includes('*');
        const writes = actions.filter((action) =>
          /^ecs:(UpdateService|RegisterTaskDefinition|TagResource)$|^iam:PassRole$/.test(action),
        );
        assert.ok(!(wildcard && writes.length > 0), `${id}: ${writes.join(', ')} on "*"`);
        if (actions.includes('ecs:ListTasks'))
          assert.ok(statement.Condition, `${id}: ListTasks conditioned on the cluster`);
      }
      const squashed = /Deploy([a-z]+)Role/.exec(id)?.[1];
      // the logical id drops the dash: inventoryworker, stockrelay
      const service = deployedServices(catalogueWithWorker()).find((s) => s.name.replaceAll('-', '') === squashed);
      if (!squashed) continue;
      assert.ok(service, `${id} deploys a catalogue service`);
      deployRoles++;
      const updates = statements.filter((statement) => [statement.Action].flat().includes('ecs:UpdateService'));
      assert.equal(updates.length, 1, id);
      assert.match(text(updates[0]?.Resource), new RegExp(`service/agora/agora-${service.name}"`));
    }
    assert.equal(deployRoles, deployedServices(catalogueWithWorker()).length);
  });
});

describe('AWS WAF on the load balancer', () => {
  const built = synthesize();
  test('a web ACL with per-address rate rules, sign-in stricter, associated with the ALB', () => {
    const { services } = built.templates;
    const [[aclId, acl] = []] = resourcesOfType(services, 'AWS::WAFv2::WebACL');
    assert.ok(acl && aclId);
    const rules = acl.Properties.Rules as {
      Name: string;
      Action: { Block?: unknown };
      Statement: { RateBasedStatement: { Limit: number; AggregateKeyType: string; ScopeDownStatement?: unknown } };
    }[];
    const signIn = rules.find((rule) => rule.Statement.RateBasedStatement.ScopeDownStatement);
    const all = rules.find((rule) => !rule.Statement.RateBasedStatement.ScopeDownStatement);
    assert.ok(signIn && all);
    assert.ok(
      signIn.Statement.RateBasedStatement.Limit < all.Statement.RateBasedStatement.Limit,
      'sign-in is stricter',
    );
    assert.equal(signIn.Statement.RateBasedStatement.Limit, rateLimits.signIn);
    for (const rule of rules) {
      // the viewer's address behind CloudFront; by source address with edge=none (edge-address.test.ts)
      assert.equal(rule.Statement.RateBasedStatement.AggregateKeyType, 'FORWARDED_IP');
      assert.ok(rule.Action.Block, `${rule.Name} blocks`);
    }
    assert.match(JSON.stringify(signIn.Statement.RateBasedStatement.ScopeDownStatement), new RegExp(signInPathPrefix));
    const loadBalancerId = built.stacks.services.getLogicalId(
      built.stacks.services.loadBalancer.node.defaultChild as never,
    );
    services.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: loadBalancerId },
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
  });
  test('the sign-in rule covers the path the token issuer serves login on', () => {
    const issuer = serviceServing(platformCatalogue(), `${signInPathPrefix}login`);
    assert.equal(issuer?.name, 'users');
  });
});
