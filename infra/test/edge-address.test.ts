/**
 * Who the load balancer and the services take a request to come from. Behind CloudFront (the
 * default, edge=cloudfront): the ALB admits CloudFront's origin-facing prefix list only (looked
 * up by name at deploy time), the WAF rate rules count the viewer address CloudFront's function
 * sets, and the API tasks read their client address two proxy hops in. Without CloudFront
 * (edge=none): the ALB open to the internet, the rules by source address, one hop.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { deployedServices } from '../src/catalogue.ts';
import { cloudFrontOriginFacingPrefixList } from '../src/services-stack.ts';
import { viewerAddressHeader } from '../src/web-acl.ts';
import { viewerAddressCode } from '../src/web-stack.ts';
import { catalogueWithWorker, resourcesOfType, synthesize } from './helpers.ts';

type Ingress = { CidrIp?: string; SourcePrefixListId?: unknown; FromPort: number; ToPort: number };

/** Every ingress rule of the load balancer's security group: inline, and separate (a peer that is a token). */
function loadBalancerIngress(services: Template): Ingress[] {
  const groups = resourcesOfType(services, 'AWS::EC2::SecurityGroup').filter(([id]) =>
    id.startsWith('LoadBalancerSecurityGroup'),
  );
  assert.equal(groups.length, 1, 'one load balancer security group');
  const [groupId, group] = groups[0] as [string, { Properties: { SecurityGroupIngress?: Ingress[] } }];
  const separate = resourcesOfType(services, 'AWS::EC2::SecurityGroupIngress')
    .filter(
      ([, ingress]) =>
        JSON.stringify(ingress.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [groupId, 'GroupId'] }),
    )
    .map(([, ingress]) => ingress.Properties as unknown as Ingress);
  return [...(group.Properties.SecurityGroupIngress ?? []), ...separate];
}

function rateRules(services: Template) {
  const [acl] = resourcesOfType(services, 'AWS::WAFv2::WebACL');
  const rules = (acl as [string, { Properties: { Rules: { Name: string; Statement: Record<string, unknown> }[] } }])[1]
    .Properties.Rules;
  assert.equal(rules.length, 2);
  return rules.map((rule) => rule.Statement.RateBasedStatement as Record<string, unknown>);
}

/** TRUSTED_PROXY_HOPS of each deployed service's container, by service name (undefined: not set). */
function trustedHops(services: Template): Map<string, string | undefined> {
  const hops = new Map<string, string | undefined>();
  for (const [, task] of resourcesOfType(services, 'AWS::ECS::TaskDefinition')) {
    for (const container of task.Properties.ContainerDefinitions as {
      Name: string;
      Environment?: { Name: string; Value: unknown }[];
    }[]) {
      if (container.Name === 'otel-collector') continue;
      const value = container.Environment?.find((variable) => variable.Name === 'TRUSTED_PROXY_HOPS')?.Value;
      hops.set(container.Name, value as string | undefined);
    }
  }
  return hops;
}

function expectedHops(hops: string): Map<string, string | undefined> {
  return new Map(
    deployedServices(catalogueWithWorker()).map((service) => [service.name, service.kind === 'api' ? hops : undefined]),
  );
}

describe('behind CloudFront (the default)', () => {
  const built = synthesize({ catalogue: catalogueWithWorker(), context: { allowHttp: 'true' } });
  const { services, web } = built.templates;

  test('the load balancer admits CloudFront’s origin-facing prefix list only, on its one listener port', () => {
    const ingress = loadBalancerIngress(services);
    assert.equal(ingress.length, 1, JSON.stringify(ingress));
    const [rule] = ingress as [Ingress];
    assert.equal(rule.CidrIp, undefined, 'not from anywhere');
    assert.deepEqual([rule.FromPort, rule.ToPort], [80, 80]);
    // The prefix list's ID is what the deploy-time lookup by name answered.
    const lookups = resourcesOfType(services, 'Custom::AWS');
    assert.equal(lookups.length, 1);
    const [lookupId, lookup] = lookups[0] as [string, { Properties: { Create: unknown } }];
    assert.deepEqual(rule.SourcePrefixListId, { 'Fn::GetAtt': [lookupId, 'PrefixLists.0.PrefixListId'] });
    const call = JSON.parse(JSON.stringify(lookup.Properties.Create).replace(/^"|"$/g, '').replace(/\\"/g, '"'));
    assert.equal(call.service, 'EC2');
    assert.equal(call.action, 'describeManagedPrefixLists');
    assert.deepEqual(call.parameters.Filters, [
      { Name: 'prefix-list-name', Values: [cloudFrontOriginFacingPrefixList] },
    ]);
    services.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'ec2:DescribeManagedPrefixLists', Effect: 'Allow', Resource: '*' }],
      },
    });
  });

  test('with a certificate, HTTPS (443) from CloudFront only, and no port-80 listener for anyone', () => {
    const secure = synthesize({
      context: {
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        domainName: 'agora.example.com',
      },
    }).templates.services;
    const ingress = loadBalancerIngress(secure);
    assert.deepEqual(
      ingress.map((rule) => [rule.FromPort, rule.CidrIp, rule.SourcePrefixListId !== undefined]),
      [[443, undefined, true]],
    );
    assert.deepEqual(
      resourcesOfType(secure, 'AWS::ElasticLoadBalancingV2::Listener').map(([, listener]) => listener.Properties.Port),
      [443],
    );
  });

  test('the WAF rate rules count the viewer address CloudFront sets, not the edge’s', () => {
    for (const statement of rateRules(services)) {
      assert.equal(statement.AggregateKeyType, 'FORWARDED_IP');
      assert.deepEqual(statement.ForwardedIPConfig, { HeaderName: viewerAddressHeader, FallbackBehavior: 'MATCH' });
    }
  });

  test('every API behaviour sets that header from the viewer’s connection, over any value the viewer sent', () => {
    const distribution = resourcesOfType(web, 'AWS::CloudFront::Distribution')[0] as [
      string,
      { Properties: { DistributionConfig: { CacheBehaviors: { FunctionAssociations?: unknown[] }[] } } },
    ];
    const [functionId] = resourcesOfType(web, 'AWS::CloudFront::Function').find(
      ([, fn]) => fn.Properties.FunctionCode === viewerAddressCode,
    ) as [string, unknown];
    const behaviours = distribution[1].Properties.DistributionConfig.CacheBehaviors;
    assert.ok(behaviours.length > 0);
    for (const behaviour of behaviours) {
      assert.deepEqual(behaviour.FunctionAssociations, [
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
      ]);
    }
    const handler = new Function(`${viewerAddressCode}; return handler;`)() as (event: unknown) => {
      headers: Record<string, { value: string }>;
    };
    const request = handler({
      viewer: { ip: '203.0.113.7' },
      request: {
        uri: '/api/auth/login',
        headers: { [viewerAddressHeader]: { value: '1.1.1.1' }, host: { value: 'h' } },
      },
    });
    assert.deepEqual(request.headers[viewerAddressHeader], { value: '203.0.113.7' });
    assert.deepEqual(request.headers.host, { value: 'h' });
  });

  test('API tasks read their client address two hops in (CloudFront, then the ALB); workers serve no clients', () => {
    assert.deepEqual(trustedHops(services), expectedHops('2'));
  });

  test('verifiers fetch the JWKS by private DNS: the load balancer refuses the tasks’ own NAT addresses', () => {
    services.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 1);
    services.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Environment: Match.arrayWith([
            {
              Name: 'JWKS_URL',
              Value: Match.stringLikeRegexp('^http://[a-z-]+\\.agora\\.internal:\\d+/\\.well-known/jwks\\.json$'),
            },
          ]),
        }),
      ]),
    });
  });
});

describe('without CloudFront (edge=none)', () => {
  const built = synthesize({ catalogue: catalogueWithWorker(), context: { allowHttp: 'true', edge: 'none' } });
  const { services } = built.templates;

  test('no web stack; the load balancer is open to the internet on its listener port, as before', () => {
    assert.equal(built.stacks.web, undefined);
    assert.deepEqual(
      loadBalancerIngress(services).map((rule) => [rule.CidrIp, rule.FromPort, rule.SourcePrefixListId]),
      [['0.0.0.0/0', 80, undefined]],
    );
    services.resourceCountIs('Custom::AWS', 0);
  });

  test('the WAF rate rules count the source address; API tasks trust one hop', () => {
    for (const statement of rateRules(services)) {
      assert.equal(statement.AggregateKeyType, 'IP');
      assert.equal(statement.ForwardedIPConfig, undefined);
    }
    assert.deepEqual(trustedHops(services), expectedHops('1'));
  });
});
