/**
 * The deployment's choices, read from CDK context (cdk.json holds the defaults; override with
 * `-c key=value`). Nothing here looks anything up in an AWS account: the stacks stay
 * environment-agnostic, so synth works offline.
 */
import { deployedTraceSampling } from '@agora/catalogue';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';

export type Stage = 'dev' | 'prod';
export type Egress = 'nat' | 'endpoints';
export type Edge = 'cloudfront' | 'none';

export interface Settings {
  /** prefix of every physical name (tables, queues, topics, repositories, the image-tag parameter) */
  readonly prefix: string;
  /** prod retains data on stack deletion; dev destroys it */
  readonly stage: Stage;
  /** how private subnets reach AWS APIs: NAT gateways, or interface endpoints (no internet egress) */
  readonly egress: Egress;
  readonly natGateways: number;
  /**
   * What fronts the load balancer (context `edge`): `cloudfront` (the web stack; the ALB takes
   * traffic from CloudFront's origin-facing addresses only, and limits key on the viewer behind
   * it), or `none` (no web stack; the ALB alone, open to the internet, limits by source address).
   */
  readonly edge: Edge;
  /** with a certificate the ALB serves HTTPS on 443 and redirects 80 to it */
  readonly certificateArn?: string;
  /** the name the certificate covers (needed with a certificate: verifiers fetch the JWKS through it) */
  readonly domainName?: string;
  /**
   * Without a certificate the synth fails (passwords and tokens would cross the internet in
   * cleartext) unless this is set (`-c allowHttp=true`), and even then it warns.
   */
  readonly allowHttp: boolean;
  readonly apiMinTasks: number;
  readonly apiMaxTasks: number;
  readonly workerMinTasks: number;
  readonly workerMaxTasks: number;
  readonly github: {
    readonly owner: string;
    readonly repo: string;
    readonly branch: string;
    /** an existing CodeConnections ARN; without one the pipeline stack creates a pending connection */
    readonly connectionArn?: string;
  };
  /** e-mail subscriptions by topic id (context `email:<topicId>`) */
  readonly emailSubscriptions: Readonly<Record<string, string>>;
  /** who the operations alarms e-mail (context `opsEmail`; none: the topic has no subscriber yet) */
  readonly opsEmail?: string;
  /** the share of new traces sampled, 0 to 1 (context `traceSampleRatio`; a request's callees follow its choice) */
  readonly traceSampleRatio: number;
}

export const defaultSettings: Settings = {
  prefix: 'agora',
  stage: 'prod',
  egress: 'nat',
  natGateways: 1,
  edge: 'cloudfront',
  allowHttp: false,
  apiMinTasks: 1,
  apiMaxTasks: 4,
  workerMinTasks: 0,
  workerMaxTasks: 5,
  github: { owner: 'agora-project', repo: 'agora', branch: 'main' },
  emailSubscriptions: {},
  traceSampleRatio: deployedTraceSampling.defaultRatio,
};

function text(node: Node, key: string): string | undefined {
  const value = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function integer(node: Node, key: string, fallback: number, minimum: number): number {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`context ${key} must be an integer of at least ${minimum}, not "${raw}"`);
  }
  return value;
}

function ratio(node: Node, key: string, fallback: number): number {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new Error(`context ${key} must be from 0 to 1, not "${raw}"`);
  return value;
}

function oneOf<T extends string>(node: Node, key: string, allowed: readonly T[], fallback: T): T {
  const raw = text(node, key) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new Error(`context ${key} must be one of ${allowed.join(', ')}, not "${raw}"`);
  }
  return raw as T;
}

export function readSettings(node: Node): Settings {
  const d = defaultSettings;
  const emailSubscriptions: Record<string, string> = {};
  for (const [key, value] of Object.entries(node.getAllContext())) {
    if (key.startsWith('email:') && typeof value === 'string' && value) {
      emailSubscriptions[key.slice('email:'.length)] = value;
    }
  }
  const settings: Settings = {
    prefix: text(node, 'prefix') ?? d.prefix,
    stage: oneOf(node, 'stage', ['dev', 'prod'], d.stage),
    egress: oneOf(node, 'egress', ['nat', 'endpoints'], d.egress),
    natGateways: integer(node, 'natGateways', d.natGateways, 1),
    edge: oneOf(node, 'edge', ['cloudfront', 'none'], d.edge),
    certificateArn: text(node, 'certificateArn'),
    domainName: text(node, 'domainName'),
    allowHttp: oneOf(node, 'allowHttp', ['true', 'false'], String(d.allowHttp)) === 'true',
    apiMinTasks: integer(node, 'apiMinTasks', d.apiMinTasks, 1),
    apiMaxTasks: integer(node, 'apiMaxTasks', d.apiMaxTasks, 1),
    workerMinTasks: integer(node, 'workerMinTasks', d.workerMinTasks, 0),
    workerMaxTasks: integer(node, 'workerMaxTasks', d.workerMaxTasks, 1),
    github: {
      owner: text(node, 'githubOwner') ?? d.github.owner,
      repo: text(node, 'githubRepo') ?? d.github.repo,
      branch: text(node, 'githubBranch') ?? d.github.branch,
      connectionArn: text(node, 'connectionArn'),
    },
    emailSubscriptions,
    opsEmail: text(node, 'opsEmail'),
    traceSampleRatio: ratio(node, 'traceSampleRatio', d.traceSampleRatio),
  };
  if (settings.certificateArn && !settings.domainName) {
    throw new Error('context certificateArn needs domainName too (the name the certificate covers)');
  }
  if (settings.apiMaxTasks < settings.apiMinTasks || settings.workerMaxTasks < Math.max(1, settings.workerMinTasks)) {
    throw new Error('context *MaxTasks must be at least *MinTasks (and workers at least 1)');
  }
  return settings;
}

/**
 * What stack deletion (and a replacement) does to data, logs, images and keys: dev destroys them;
 * prod keeps them, except when the resource was made by a stack creation that failed and rolls
 * back (CloudFormation's RetainExceptOnCreate), so a failed first deploy leaves no named
 * leftovers behind and the next deploy can create them again.
 */
export function retention(settings: Settings): RemovalPolicy {
  return settings.stage === 'prod' ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
}

/**
 * The proxies that append to X-Forwarded-For before a request reaches an API task (its
 * TRUSTED_PROXY_HOPS, packages/runtime/src/client-address.ts): the ALB, and CloudFront before it.
 */
export function trustedProxyHops(settings: Settings): number {
  return settings.edge === 'cloudfront' ? 2 : 1;
}

/** The Secrets Manager secret that holds the token-signing key (the registry stack owns it). */
export function signingKeySecretName(settings: Settings): string {
  return `${settings.prefix}/jwt-private-key`;
}

/** The SSM parameter that carries the signing key secret's complete ARN to the services stack. */
export function signingKeyArnParameterName(settings: Settings): string {
  return `/${settings.prefix}/jwt-private-key-arn`;
}

/** The SSM parameter that holds the image tag every service runs: written only by the pipeline. */
export function imageTagParameterName(settings: Settings): string {
  return `/${settings.prefix}/image-tag`;
}

/** The SSM parameter that carries the load balancer's DNS name to the web stack (CloudFront's API origin). */
export function loadBalancerDnsParameterName(settings: Settings): string {
  return `/${settings.prefix}/load-balancer-dns-name`;
}

/** The ECS service of a catalogue service (the pipeline deploys to it by this name). */
export function ecsServiceName(settings: Settings, service: { readonly name: string }): string {
  return `${settings.prefix}-${service.name}`;
}

/** The ECR repository of a service's image. */
export function repositoryName(settings: Settings, service: { readonly name: string }): string {
  return `${settings.prefix}/${service.name}`;
}
