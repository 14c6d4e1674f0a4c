/**
 * The web app on AWS: its build in a private S3 bucket, read by CloudFront through an origin
 * access control; CloudFront also forwards the API's paths (the catalogue's webApp origin paths)
 * to the load balancer, uncached, with every viewer header (Authorization too), cookie and query
 * string. Viewers always use HTTPS (HTTP is redirected). Hashed assets are stored with an
 * immutable Cache-Control, the page with no-cache; a CloudFront function answers every
 * client-side route with the page, by the catalogue's rule (isAppPagePath); every answer of the
 * site carries the catalogue's Content-Security-Policy. The local gateway serves the same build
 * the same way (packages/dashboard/src/serve.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webApp, webContentSecurityPolicy } from '@agora/catalogue';
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { loadBalancerDnsParameterName, retention, type Settings } from './settings.ts';
import { viewerAddressHeader } from './web-acl.ts';

/** The web app's build (`npm run build -w packages/dashboard`; `npm run synth` builds it first). */
export const webBuildDir = fileURLToPath(new URL('../../packages/dashboard/dist', import.meta.url));

/**
 * The viewer-request function of the default behaviour: a client-side route (/topics/…) is
 * answered with the page. The same rule as the catalogue's isAppPagePath, in the ES5.1 dialect
 * CloudFront Functions run; web-stack.test.ts runs this code against that function.
 */
export const pageRewriteCode = `var assetPrefix = ${JSON.stringify(webApp.assetPrefix)};
var page = ${JSON.stringify(webApp.page)};
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.slice(uri.lastIndexOf('/') + 1);
  if (uri.indexOf(assetPrefix) !== 0 && last.indexOf('.') === -1) request.uri = page;
  return request;
}
`;

/**
 * The viewer-request function of the API behaviours: the viewer's IP address, as CloudFront's
 * own connection saw it, in viewerAddressHeader, replacing whatever the viewer sent under that
 * name. The load balancer's WAF rate rules count by it (web-acl.ts).
 */
export const viewerAddressCode = `var header = ${JSON.stringify(viewerAddressHeader)};
function handler(event) {
  var request = event.request;
  request.headers[header] = { value: event.viewer.ip };
  return request;
}
`;

/** CloudFront's longest wait for an origin's next bytes without a quota increase: the live feeds keep alive within it. */
const originReadTimeout = Duration.seconds(60);

export interface WebStackProps extends StackProps {
  readonly settings: Settings;
  /** the web app's build; webBuildDir by default */
  readonly buildDir?: string;
}

export class WebStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const buildDir = props.buildDir ?? webBuildDir;
    if (!existsSync(join(buildDir, 'index.html'))) {
      throw new Error(`The web app is not built (${buildDir}): run \`npm run build -w packages/dashboard\` first`);
    }

    this.bucket = new s3.Bucket(this, 'WebBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: retention(settings),
      autoDeleteObjects: settings.stage === 'dev',
    });

    const apiOrigin = settings.certificateArn
      ? // The load balancer by the name its certificate covers, over TLS.
        new origins.HttpOrigin(settings.domainName as string, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          readTimeout: originReadTimeout,
        })
      : new origins.HttpOrigin(
          ssm.StringParameter.valueForStringParameter(this, loadBalancerDnsParameterName(settings)),
          {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
            readTimeout: originReadTimeout,
          },
        );
    if (!settings.certificateArn) {
      // The services stack already refuses this without allowHttp; here it is the hop behind CloudFront.
      Annotations.of(this).addWarningV2(
        'agora:plain-http-origin',
        'No certificateArn: CloudFront reaches the load balancer over plain HTTP (viewers still use HTTPS to CloudFront).',
      );
    }

    // Assets: cached as long as their Cache-Control allows (a year, immutable); the page: revalidated.
    const assetCache = new cloudfront.CachePolicy(this, 'WebCachePolicy', {
      cachePolicyName: `${settings.prefix}-web`,
      comment: 'The web app: the origin Cache-Control decides (hashed assets a year, the page revalidated)',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });
    const siteHeaders = new cloudfront.ResponseHeadersPolicy(this, 'WebHeaders', {
      responseHeadersPolicyName: `${settings.prefix}-web`,
      comment: 'The web app: its strict CSP and the security headers the services send too',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: webContentSecurityPolicy, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    const pageRewrite = new cloudfront.Function(this, 'PageRewrite', {
      comment: 'Client-side routes are answered with the page',
      code: cloudfront.FunctionCode.fromInline(pageRewriteCode),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      comment: 'The viewer address the load balancer WAF counts by',
      code: cloudfront.FunctionCode.fromInline(viewerAddressCode),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // Every viewer header (Authorization included), cookie and query string; the Host the ALB's certificate names.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      // Passed through as the services answer: compressing would hold back the live feeds' events.
      compress: false,
      functionAssociations: [{ function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };
    this.distribution = new cloudfront.Distribution(this, 'WebDistribution', {
      comment: `${settings.prefix}: the web app (S3) and the API (load balancer)`,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: assetCache,
        responseHeadersPolicy: siteHeaders,
        compress: true,
        functionAssociations: [{ function: pageRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(webApp.originPathPatterns.map((pattern) => [pattern, apiBehavior])),
    });

    // The hashed assets first (never pruned: a page still open may ask for the previous ones),
    // then the page that names them, whose cached copy is invalidated.
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      sources: [s3deploy.Source.asset(join(buildDir, webApp.assetPrefix))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: webApp.assetPrefix.slice(1),
      cacheControl: [s3deploy.CacheControl.fromString(webApp.assetCacheControl)],
      prune: false,
      memoryLimit: 256,
    });
    const page = new s3deploy.BucketDeployment(this, 'DeployPage', {
      sources: [s3deploy.Source.asset(buildDir, { exclude: [webApp.assetPrefix.slice(1, -1), '.source-hash'] })],
      destinationBucket: this.bucket,
      cacheControl: [s3deploy.CacheControl.fromString(webApp.pageCacheControl)],
      prune: false,
      memoryLimit: 256,
      distribution: this.distribution,
      distributionPaths: [webApp.page],
    });
    page.node.addDependency(assets);

    new CfnOutput(this, 'WebUrl', { value: `https://${this.distribution.distributionDomainName}` });
  }
}
