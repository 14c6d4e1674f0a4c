/**
 * AWS WAF in front of the ALB: the first line of the rate limits, counted per client address
 * across every task (the services' own limits protect accounts per username; these stop one
 * address from flooding). Sign-in is held much tighter than the rest of the API. A blocked
 * request gets WAF's 429 with a problem+json body, like the services' own limits.
 *
 * Behind CloudFront the ALB's peer is a CloudFront edge, shared by many viewers, so the rules
 * count the viewer's address instead, from the header CloudFront's API behaviours set
 * (viewerAddressHeader; the ALB takes nothing but CloudFront's traffic, so no viewer can forge it).
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { Edge } from './settings.ts';

/**
 * The viewer's IP address, set by CloudFront's viewer-request function on the API behaviours
 * (web-stack.ts), replacing any value the viewer sent. Not CloudFront-Viewer-Address: that one
 * carries the viewer's source port too, so keying on it would give every new connection a new
 * budget.
 */
export const viewerAddressHeader = 'x-agora-viewer-address';

/** The sign-in paths (the users service's /api/auth/login and its siblings). */
export const signInPathPrefix = '/api/auth/';

/** Requests per client address per five minutes (WAF's evaluation window) before WAF answers 429. */
export const rateLimits = { signIn: 100, all: 3000 } as const;
export const rateWindowSeconds = 300;

const tooManyRequests = 'TooManyRequests';

/** Whose address a rate-based rule counts: the source's (the ALB alone), or the viewer's behind CloudFront. */
function perAddress(edge: Edge) {
  return edge === 'cloudfront'
    ? {
        aggregateKeyType: 'FORWARDED_IP',
        // Never missing behind CloudFront (its function always sets it); malformed would be counted, not waved through.
        forwardedIpConfig: { headerName: viewerAddressHeader, fallbackBehavior: 'MATCH' },
      }
    : { aggregateKeyType: 'IP' };
}

export function addWebAcl(scope: Construct, prefix: string, loadBalancerArn: string, edge: Edge): wafv2.CfnWebACL {
  const visibility = (metricName: string) => ({
    cloudWatchMetricsEnabled: true,
    metricName,
    sampledRequestsEnabled: true,
  });
  const block = {
    block: { customResponse: { responseCode: 429, customResponseBodyKey: tooManyRequests } },
  };
  const acl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    name: `${prefix}-api`,
    description: 'Rate limits per client address in front of the Agora load balancer',
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(`${prefix}-api`),
    customResponseBodies: {
      [tooManyRequests]: {
        contentType: 'APPLICATION_JSON',
        content: JSON.stringify({
          type: 'urn:agora:problem:rate-limited',
          title: 'Too Many Requests',
          status: 429,
          detail: 'Too many requests from this address: retry in a few minutes',
        }),
      },
    },
    rules: [
      {
        name: 'sign-in-per-address',
        priority: 0,
        action: block,
        visibilityConfig: visibility(`${prefix}-sign-in-per-address`),
        statement: {
          rateBasedStatement: {
            ...perAddress(edge),
            limit: rateLimits.signIn,
            evaluationWindowSec: rateWindowSeconds,
            scopeDownStatement: {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'STARTS_WITH',
                searchString: signInPathPrefix,
                textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
              },
            },
          },
        },
      },
      {
        name: 'all-per-address',
        priority: 1,
        action: block,
        visibilityConfig: visibility(`${prefix}-all-per-address`),
        statement: {
          rateBasedStatement: { ...perAddress(edge), limit: rateLimits.all, evaluationWindowSec: rateWindowSeconds },
        },
      },
    ],
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: loadBalancerArn,
    webAclArn: acl.attrArn,
  });
  return acl;
}
