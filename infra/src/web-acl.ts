/**
 * AWS WAF in front of the ALB: the first line of the rate limits, counted per client address
 * across every task (the services' own limits protect accounts per username; these stop one
 * address from flooding). Sign-in is held much tighter than the rest of the API. A blocked
 * request gets WAF's 429 with a problem+json body, like the services' own limits.
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/** The sign-in paths (the users service's /api/auth/login and its siblings). */
export const signInPathPrefix = '/api/auth/';

/** Requests per client address per five minutes (WAF's evaluation window) before WAF answers 429. */
export const rateLimits = { signIn: 100, all: 3000 } as const;
export const rateWindowSeconds = 300;

const tooManyRequests = 'TooManyRequests';

export function addWebAcl(scope: Construct, prefix: string, loadBalancerArn: string): wafv2.CfnWebACL {
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
            aggregateKeyType: 'IP',
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
          rateBasedStatement: { aggregateKeyType: 'IP', limit: rateLimits.all, evaluationWindowSec: rateWindowSeconds },
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
