/**
 * The web stack as synthesized: a private, encrypted, TLS-only bucket read by CloudFront alone
 * (origin access control); a distribution that redirects viewers to HTTPS, serves the build with
 * a cache policy that follows the files' own Cache-Control, sends the API's paths to the load
 * balancer uncached with every viewer header and query string, and puts the catalogue's CSP on
 * every answer; the build deployed with the catalogue's cache headers. The page-rewrite function
 * is run against the catalogue's rule.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppPagePath, webApp, webContentSecurityPolicy } from '@agora/catalogue';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { pageRewriteCode } from '../src/web-stack.ts';
import { devEndpointsHttpsContext, resourcesOfType, synthesize } from './helpers.ts';

// The IDs of CloudFront's managed policies (the same in every account).
const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const allViewerExceptHost = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** The properties of the template's one resource of `type`. */
function onlyResource(template: Template, type: string): Record<string, unknown> {
  const found = resourcesOfType(template, type);
  assert.equal(found.length, 1, `one ${type}`);
  return (found[0] as [string, { Properties: Record<string, unknown> }])[1].Properties;
}

describe('the web stack', () => {
  const built = synthesize({ context: { allowHttp: 'true' } });
  const web = built.templates.web;
  const distribution = () =>
    onlyResource(web, 'AWS::CloudFront::Distribution').DistributionConfig as Record<string, unknown>;

  test('the bucket is private, encrypted, TLS-only, and read by this distribution only', () => {
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    web.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    web.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const allows = (
      onlyResource(web, 'AWS::S3::BucketPolicy').PolicyDocument as {
        Statement: { Effect: string; Principal: unknown }[];
      }
    ).Statement.filter((statement) => statement.Effect === 'Allow');
    assert.deepEqual(
      allows.map((statement) => statement.Principal),
      [{ Service: 'cloudfront.amazonaws.com' }],
      'no other reader',
    );
    onlyResource(web, 'AWS::S3::Bucket');
  });

  test('the default behaviour serves the bucket over HTTPS, with the web cache policy, the CSP and the page rewrite', () => {
    const config = distribution();
    const origins = config.Origins as {
      Id: string;
      S3OriginConfig?: unknown;
      OriginAccessControlId?: unknown;
      CustomOriginConfig?: Record<string, unknown>;
    }[];
    const s3Origin = origins.find((origin) => origin.S3OriginConfig);
    assert.ok(s3Origin?.OriginAccessControlId, 'the bucket origin signs with the origin access control');
    const defaults = config.DefaultCacheBehavior as Record<string, unknown>;
    assert.equal(defaults.TargetOriginId, s3Origin?.Id);
    assert.equal(defaults.ViewerProtocolPolicy, 'redirect-to-https');
    assert.deepEqual(defaults.AllowedMethods, ['GET', 'HEAD']);
    assert.equal((defaults.FunctionAssociations as { EventType: string }[])[0]?.EventType, 'viewer-request');
    web.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: {
        MinTTL: 0,
        DefaultTTL: 86400,
        MaxTTL: 31536000,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        },
      },
    });
    web.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: webContentSecurityPolicy, Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
        }),
      },
    });
  });

  test('the API paths go to the load balancer uncached, with every viewer header (Authorization too) and query string', () => {
    const config = distribution();
    const behaviours = config.CacheBehaviors as Record<string, unknown>[];
    assert.deepEqual(
      behaviours.map((behaviour) => behaviour.PathPattern),
      [...webApp.originPathPatterns],
    );
    const origins = config.Origins as { Id: string; CustomOriginConfig?: Record<string, unknown> }[];
    const api = origins.find((origin) => origin.CustomOriginConfig);
    assert.equal(api?.CustomOriginConfig?.OriginReadTimeout, 60, 'the live feeds stay open between keepalives');
    for (const behaviour of behaviours) {
      assert.equal(behaviour.TargetOriginId, api?.Id);
      assert.equal(behaviour.ViewerProtocolPolicy, 'redirect-to-https');
      assert.equal(behaviour.CachePolicyId, cachingDisabled);
      assert.equal(behaviour.OriginRequestPolicyId, allViewerExceptHost);
      assert.deepEqual([...(behaviour.AllowedMethods as string[])].sort(), [
        'DELETE',
        'GET',
        'HEAD',
        'OPTIONS',
        'PATCH',
        'POST',
        'PUT',
      ]);
      assert.equal(behaviour.Compress, false, 'event streams pass through unbuffered');
    }
  });

  test('deploys the hashed assets immutable and the page revalidated, invalidating only the page', () => {
    const deployments = resourcesOfType(web, 'Custom::CDKBucketDeployment').map(([, resource]) => resource.Properties);
    const byControl = (cacheControl: string) =>
      deployments.find(
        (properties) => (properties.SystemMetadata as Record<string, string>)?.['cache-control'] === cacheControl,
      );
    const assets = byControl(webApp.assetCacheControl);
    const page = byControl(webApp.pageCacheControl);
    assert.equal(assets?.DestinationBucketKeyPrefix, 'assets/');
    assert.equal(assets?.Prune, false, 'an open page still finds the previous assets');
    assert.equal(page?.Prune, false);
    assert.deepEqual(page?.DistributionPaths, [webApp.page]);
    assert.equal(assets?.DistributionPaths, undefined);
  });

  test('over HTTPS, CloudFront reaches the load balancer by its certificate name, TLS 1.2 only', () => {
    const secure = synthesize({ context: devEndpointsHttpsContext });
    const origins = (
      onlyResource(secure.templates.web, 'AWS::CloudFront::Distribution').DistributionConfig as {
        Origins: Record<string, unknown>[];
      }
    ).Origins;
    const api = origins.find((origin) => origin.CustomOriginConfig);
    assert.equal(api?.DomainName, devEndpointsHttpsContext.domainName);
    assert.deepEqual(api?.CustomOriginConfig, {
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
      OriginReadTimeout: 60,
    });
  });
});

describe("the page-rewrite function (CloudFront's JavaScript, run here)", () => {
  const handler = new Function(`${pageRewriteCode}; return handler;`)() as (event: { request: { uri: string } }) => {
    uri: string;
  };

  test('answers exactly the paths the catalogue calls app pages with the page', () => {
    const paths = [
      '/',
      '/topics/abc-1',
      '/users/u 1',
      '/inventory',
      '/sign-in/',
      '/assets/index-abc.js',
      '/assets/x',
      '/index.html',
      '/favicon.ico',
      '/a.b/c',
    ];
    for (const path of paths) {
      const uri = handler({ request: { uri: path } }).uri;
      assert.equal(uri, isAppPagePath(path) ? webApp.page : path, path);
    }
    assert.equal(handler({ request: { uri: '/topics/abc-1' } }).uri, '/index.html');
    assert.equal(handler({ request: { uri: '/assets/index-abc.js' } }).uri, '/assets/index-abc.js');
  });
});
