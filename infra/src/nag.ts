/**
 * cdk-nag (AwsSolutions pack, v3: a CDK policy-validation plugin) over the whole app, and every
 * finding the app accepts, each with its reason.
 *
 * cdk-nag v3 acknowledges one exact finding id at a time, and many ids embed logical ids
 * (`AwsSolutions-IAM5[Resource::<PipelineArtifactsBucket22248F97.Arn>/*]`), so they are not
 * written out by hand here: `buildCheckedApp` synthesizes the app once to learn its findings,
 * then builds it again and acknowledges (with `Validations.of(construct).acknowledge`) exactly the
 * findings an entry below covers, by rule and construct path. A finding no entry covers stays
 * an error and fails the synth; the nag test also fails on an entry that covers nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  /** matches the finding id, e.g. `AwsSolutions-IAM5[Action::s3:GetObject*]` */
  readonly finding: RegExp;
  /** matches the path of the construct the finding is on */
  readonly at: RegExp;
  readonly reason: string;
}

/** the namespace CDK's validation framework files cdk-nag's AwsSolutions findings under */
const nagNamespace = 'AwsSolutions';

export const acknowledgements: readonly Acknowledgement[] = [
  {
    finding: /^AwsSolutions-S1$/,
    at: /^\w+Data\/\w+Bucket\/Resource$/,
    reason:
      'Uploads are short-lived CSV drops, expired by a lifecycle rule, and the inventory service records every upload (who, when, key) in its uploads table; server access logs would need a second bucket per deployment. Turn on CloudTrail S3 data events where object-level audit is required.',
  },
  {
    finding: /^AwsSolutions-S1$/,
    at: /^\w+Pipeline\/Pipeline\/ArtifactsBucket\/Resource$/,
    reason:
      'Holds only pipeline artifacts (source bundle, imagedefinitions files), written and read by this pipeline’s own roles; CodePipeline and CloudTrail already record every execution.',
  },
  {
    finding:
      /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    at: /^\w+\/(BucketNotificationsHandler\w+|Custom::S3AutoDeleteObjectsCustomResourceProvider)\//,
    reason:
      'CDK’s own custom-resource function (it sets the bucket notification, or empties a dev bucket on delete); the AWS managed policy only lets it write its own logs.',
  },
  {
    finding: /^AwsSolutions-EC23$/,
    at: /^\w+Services\/LoadBalancerSecurityGroup\/Resource$/,
    reason:
      'Only with edge=none: the internet-facing load balancer then serves the public API itself, and HTTP(S) from anywhere is its job (behind CloudFront it admits CloudFront’s origin-facing prefix list only).',
  },
  {
    finding: /^AwsSolutions-ELB2$/,
    at: /^\w+Services\/LoadBalancer\/Resource$/,
    reason:
      'ALB access logs need a log bucket and cost per GB; at minimum size the per-service request logs in CloudWatch and the target-group metrics cover operations. Add `loadBalancer.logAccessLogs(bucket)` where per-request audit is required.',
  },
  {
    finding: /^AwsSolutions-ECS2$/,
    at: /^\w+Services\/[\w-]+-task\/Resource$/,
    reason:
      'The plain environment holds only non-secret configuration (resource names, queue URLs, topic ARNs, port, region, JWKS URL); the token-signing key comes from Secrets Manager as an ECS secret.',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::.*:table\/[\w.-]+\/index\/\*\]$/,
    at: /^\w+Services\/[\w-]+-task\/TaskRole\/DefaultPolicy\/Resource$/,
    reason:
      'CDK’s table grant covers the table’s own global secondary indexes (<table ARN>/index/*), which the service queries; it reaches no other table.',
  },
  {
    finding:
      /^AwsSolutions-IAM5\[(Action::s3:(GetObject|GetBucket|List|DeleteObject|PutObject|Abort)\*|Resource::arn:<AWS::Partition>:s3:::[\w.-]+-<AWS::AccountId>-<AWS::Region>\/\*)\]$/,
    at: /^\w+Services\/[\w-]+-task\/TaskRole\/DefaultPolicy\/Resource$/,
    reason:
      'CDK’s bucket grant for the access the catalogue gives the service: object actions on the objects of that one bucket (<bucket ARN>/*), whose keys are per-upload ids.',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task\/.*\/\*\]$/,
    at: /^\w+Services\/[\w-]+-task\/TaskRole\/DefaultPolicy\/Resource$/,
    reason:
      'A worker sets ECS scale-in protection on its own task, whose id is only known at run time; the grant is limited to tasks of this cluster and to the two task-protection actions.',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    at: /^\w+(Services\/[\w-]+-task\/ExecutionRole|Pipeline\/ImageBuild\/Role)\/DefaultPolicy\/Resource$/,
    reason:
      'ecr:GetAuthorizationToken has no resource-level permissions (AWS requires "*"); pulls and pushes are limited to the service repositories by separate statements.',
  },
  {
    finding:
      /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:[\w-]+-live-[\w-]+-\*\]$/,
    at: /^\w+Services\/[\w-]+-task\/TaskRole\/DefaultPolicy\/Resource$/,
    reason:
      'Each task of a live feed makes its own queue, `<prefix>-live-<service>-<random>`, and deletes it when it stops (packages/runtime/src/live-fanout.ts): its name is known only at run time, so the grant is on the name prefix of that service’s live queues only.',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    at: /^\w+Services\/[\w-]+-task\/TaskRole\/DefaultPolicy\/Resource$/,
    reason:
      'The ADOT collector sidecar sends the task’s traces to X-Ray: xray:PutTraceSegments, PutTelemetryRecords and the GetSampling* reads have no resource-level permissions (AWS requires "*"); the statement holds those five actions only (infra/test/observability.test.ts checks that no other task-role statement has "*").',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::.*:table\/[\w.-]+\/stream\/\*\]$/,
    at: /^\w+Services\/[\w-]+-task\/TaskRole\/DefaultPolicy\/Resource$/,
    reason:
      'The live feed reads the stream of its one table (DescribeStream, GetShardIterator, GetRecords on <table ARN>/stream/*): the stream ARN carries a label DynamoDB picks whenever the stream is (re)created, and a table has one active stream.',
  },
  {
    finding:
      /^AwsSolutions-IAM5\[Resource::(\*|arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:(task-definition\/[\w-]+:\*|task\/[\w-]+\/\*)|arn:<AWS::Partition>:iam::<AWS::AccountId>:role\/\w+-\*)\]$/,
    at: /^\w+Pipeline\/Deploy-[\w-]+-Role\/DefaultPolicy\/Resource$/,
    reason:
      'The ECS deploy action of one service: every revision of that service’s own task definition family, the tasks of the Agora cluster, the task and execution roles of the services stack (passed to ECS tasks only); ecs:DescribeTaskDefinition has no resource-level permissions and ecs:ListTasks is conditioned on the cluster.',
  },
  {
    finding: /^AwsSolutions-SMG4$/,
    at: /^\w+Registry\/SigningKey\/Resource$/,
    reason:
      'The token-signing key is an EC key pair the operator generates; rotating it means publishing the new public key in the JWKS beside the old one until every token signed with the old key expires, which a Secrets Manager rotation function cannot do alone. Rotation stays an operator step.',
  },
  {
    finding:
      /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:(logs|codebuild):<AWS::Region>:<AWS::AccountId>:(log-group:\/aws\/codebuild|report-group)\/<\w+>[-:]\*\]$/,
    at: /^\w+Pipeline\/(ImageBuild|RecordImageTag)\/Role\/DefaultPolicy\/Resource$/,
    reason: 'CodeBuild’s default policy for this project’s own log streams and report groups, named after the project.',
  },
  {
    finding:
      /^AwsSolutions-IAM5\[(Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*|Resource::<PipelineArtifactsBucket\w+\.Arn>\/\*)\]$/,
    at: /^\w+Pipeline\/((ImageBuild|RecordImageTag|Pipeline)\/.*|Deploy-[\w-]+-)Role\/DefaultPolicy\/Resource$/,
    reason:
      'CDK’s artifact grants: read/write on objects of this pipeline’s own artifact bucket only, which every stage and action needs to pass artifacts along.',
  },
  {
    finding: /^AwsSolutions-CB4$/,
    at: /^\w+Pipeline\/(ImageBuild|RecordImageTag)\/Resource$/,
    reason:
      'Build artifacts are imagedefinitions files (image URIs, no secrets) in the artifact bucket under S3-managed encryption; a customer managed key would add cost and no separation, as only this pipeline’s roles read them.',
  },
  {
    finding: /^AwsSolutions-S1$/,
    at: /^\w+Web\/WebBucket\/Resource$/,
    reason:
      'Holds only the public build of the web app (the files every visitor downloads), written only by the deployment; CloudFront is its one reader (origin access control) and CloudTrail records the deployments. Access logs would need a second bucket per deployment.',
  },
  {
    finding: /^AwsSolutions-CFR1$/,
    at: /^\w+Web\/WebDistribution\/Resource$/,
    reason: 'A public forum, open to readers everywhere: nothing it serves is licensed or restricted by country.',
  },
  {
    finding: /^AwsSolutions-CFR2$/,
    at: /^\w+Web\/WebDistribution\/Resource$/,
    reason:
      'A CloudFront web ACL must live in us-east-1 (scope CLOUDFRONT) while this app deploys to one region; the cached static files need none, and the API paths go on to the load balancer, whose regional web ACL (web-acl.ts) applies the rate limits.',
  },
  {
    finding: /^AwsSolutions-CFR3$/,
    at: /^\w+Web\/WebDistribution\/Resource$/,
    reason:
      'Standard logs need a log bucket with ACLs enabled; the API requests behind it are logged one line each by the services, and the static files are the same public build for everyone. Turn on CloudFront standard logging v2 where per-request audit is required.',
  },
  {
    finding: /^AwsSolutions-CFR4$/,
    at: /^\w+Web\/WebDistribution\/Resource$/,
    reason:
      'The distribution serves its *.cloudfront.net name, whose default certificate fixes the viewer security policy (modern browsers negotiate TLS 1.3 with it); a custom domain needs a us-east-1 certificate and then TLSv1.2_2021, not part of this app yet.',
  },
  {
    finding: /^AwsSolutions-CFR5$/,
    at: /^\w+Web\/WebDistribution\/Resource$/,
    reason:
      'Only without certificateArn (the throwaway deploy allowHttp permits): the load balancer then has no TLS listener, so CloudFront reaches it over HTTP. With a certificate the API origin is TLS 1.2 only.',
  },
  {
    finding:
      /^AwsSolutions-(L1|IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\])$/,
    at: /^\w+Web\/Custom::CDKBucketDeployment\w+\/(Resource|ServiceRole\/Resource)$/,
    reason:
      'CDK’s BucketDeployment handler (it copies the build into the web bucket at deploy time): its runtime is the one CDK pins and tests, and the AWS managed policy only lets it write its own logs.',
  },
  {
    finding:
      /^AwsSolutions-IAM5\[(Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*|Resource::\*|Resource::<WebBucket\w+\.Arn>\/\*|Resource::arn:<AWS::Partition>:s3:::cdk-[\w]+-assets-<AWS::AccountId>-<AWS::Region>\/\*)\]$/,
    at: /^\w+Web\/Custom::CDKBucketDeployment\w+\/ServiceRole\/DefaultPolicy\/Resource$/,
    reason:
      'CDK’s BucketDeployment grants: read the build from the CDK assets bucket, write and replace objects in the one web bucket, and invalidate the distribution’s cached page (CloudFront invalidation has no resource-level permission).',
  },
  {
    finding:
      /^AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\]$/,
    at: /^\w+Services\/AWS679f53fac002430cb0da5b7982bd2287\/ServiceRole\/Resource$/,
    reason:
      'CDK’s AwsCustomResource handler, which looks up the CloudFront origin-facing prefix list by name at deploy time (the load balancer admits only it); the AWS managed policy only lets it write its own logs.',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    at: /^\w+Services\/CloudFrontOrigins\/Lookup\/CustomResourcePolicy\/Resource$/,
    reason:
      'ec2:DescribeManagedPrefixLists, the one action of the prefix-list lookup, has no resource-level permissions (AWS requires "*"); it only reads.',
  },
];

export interface Finding {
  readonly id: string;
  readonly path: string;
}

export interface AcknowledgedFinding extends Finding {
  readonly reason: string;
}

/** cdk-nag's AwsSolutions pack over the whole app: an unacknowledged error fails the synth. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/** The AwsSolutions findings in a cloud assembly's validation report (acknowledged ones excluded). */
export function reportedFindings(outdir: string): Finding[] {
  let report: {
    pluginReports?: { violations?: { ruleName: string; violatingConstructs?: { constructPath: string }[] }[] }[];
  };
  try {
    report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  } catch {
    return [];
  }
  return (report.pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).flatMap((violation) =>
      (violation.violatingConstructs ?? []).map((construct) => ({
        id: violation.ruleName,
        path: construct.constructPath,
      })),
    ),
  );
}

function constructAt(app: App, path: string): IConstruct | undefined {
  let node: IConstruct | undefined = app;
  for (const part of path.split('/')) node = node?.node.tryFindChild(part);
  return node;
}

export interface CheckedApp<T> {
  readonly app: App;
  readonly built: T;
  readonly acknowledged: readonly AcknowledgedFinding[];
}

/**
 * Builds the app with `build`, acknowledges the findings the table covers, and adds the checks.
 * The caller synthesizes it; any other finding then fails the synth.
 */
export function buildCheckedApp<T>(build: (app: App) => T, props: AppProps = {}): CheckedApp<T> {
  const probeDir = mkdtempSync(join(tmpdir(), 'agora-nag-'));
  let findings: Finding[];
  try {
    // In-memory mode: the probe's findings go to its report and an exception, not the console.
    const probe = new App({
      ...props,
      outdir: probeDir,
      autoSynth: false,
      context: { ...props.context, '@aws-cdk/core:appMode': 'inmemory' },
    });
    build(probe);
    addNagChecks(probe);
    try {
      probe.synth();
    } catch {
      // the findings are in the report
    }
    findings = reportedFindings(probeDir);
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }

  const app = new App(props);
  const built = build(app);
  const acknowledged: AcknowledgedFinding[] = [];
  for (const finding of findings) {
    const entry = acknowledgements.find(
      (candidate) => candidate.finding.test(finding.id) && candidate.at.test(finding.path),
    );
    const construct = entry && constructAt(app, finding.path);
    if (!entry || !construct) continue;
    Validations.of(construct).acknowledge({ id: `${nagNamespace}::${finding.id}`, reason: entry.reason });
    acknowledged.push({ ...finding, reason: entry.reason });
  }
  addNagChecks(app);
  return { app, built, acknowledged };
}
