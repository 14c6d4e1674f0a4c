/**
 * Synthesizes the app (with cdk-nag and its acknowledgements, exactly as `npm run synth`) into a
 * temporary folder and hands back each stack's template.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { type AgoraStacks, buildAgora } from '../src/app.ts';
import { type Catalogue, platformCatalogue } from '../src/catalogue.ts';
import { type AcknowledgedFinding, buildCheckedApp, reportedFindings } from '../src/nag.ts';

export interface Synthesized {
  readonly stacks: AgoraStacks;
  readonly outdir: string;
  readonly templates: Record<'network' | 'data' | 'registry' | 'services' | 'pipeline' | 'web', Template>;
  readonly templateFiles: string[];
  readonly acknowledged: readonly AcknowledgedFinding[];
  /** findings left after the acknowledgements (the synth throws when any is an error) */
  readonly unacknowledged: ReturnType<typeof reportedFindings>;
}

/** The context that turns on every optional part at once: a dev stage, interface endpoints, HTTPS. */
export const devEndpointsHttpsContext = {
  stage: 'dev',
  egress: 'endpoints',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
  domainName: 'agora.example.com',
} as const;

export function synthesize(
  options: { catalogue?: Catalogue; context?: Record<string, string | number> } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'agora-infra-'));
  const catalogue = options.catalogue ?? platformCatalogue();
  const { app, built, acknowledged } = buildCheckedApp((scope) => buildAgora(scope, catalogue), {
    outdir,
    autoSynth: false,
    context: { '@aws-cdk/core:appMode': 'inmemory', ...options.context },
  });
  const assembly = app.synth();
  const template = (stackName: string) => Template.fromJSON(assembly.getStackByName(stackName).template);
  return {
    stacks: built,
    outdir,
    templates: {
      network: template(built.network.stackName),
      data: template(built.data.stackName),
      registry: template(built.registry.stackName),
      services: template(built.services.stackName),
      pipeline: template(built.pipeline.stackName),
      get web() {
        if (!built.web) throw new Error('no web stack (edge=none)');
        return template(built.web.stackName);
      },
    },
    templateFiles: assembly.stacks.map((stack) => stack.templateFullPath),
    acknowledged,
    unacknowledged: reportedFindings(outdir),
  };
}

/**
 * The real catalogue plus, when it has none yet, an API service that verifies tokens and a worker
 * that consumes the bucket's notification queue: every code path of the app, with the worker's
 * scaling real. Entries the catalogue already has are left as they are.
 */
export function catalogueWithWorker(): Catalogue {
  const real = platformCatalogue();
  const bucket = real.buckets[0];
  if (!bucket) throw new Error('the fixture needs a bucket in the catalogue');
  const services = [...real.services];
  const routes = [...real.routes];
  if (!services.some((service) => service.kind === 'worker')) {
    services.push({
      name: 'fixture-worker',
      kind: 'worker',
      workspace: 'fixture-worker',
      entry: 'src/worker.ts',
      containerPort: 3100,
      uses: [
        { resource: bucket.notifyQueue, access: 'consume' },
        { resource: bucket.id, access: 'read' },
        ...real.topics.slice(-1).map((topic) => ({ resource: topic.id, access: 'publish' as const })),
        ...real.tables.slice(-2).map((table) => ({ resource: table.id, access: 'readWrite' as const })),
      ],
      verifiesTokens: false,
    });
  }
  if (!services.some((service) => service.kind === 'api' && service.verifiesTokens)) {
    const priority = Math.max(0, ...routes.map((route) => route.priority)) + 10;
    services.push({
      name: 'fixture-api',
      kind: 'api',
      workspace: 'fixture-api',
      entry: 'src/server.ts',
      containerPort: 3200,
      uses: [
        { resource: bucket.id, access: 'readWrite' },
        ...real.tables.slice(-1).map((table) => ({ resource: table.id, access: 'read' as const })),
      ],
      verifiesTokens: true,
    });
    routes.push({ priority, service: 'fixture-api', pathPatterns: ['/api/fixture', '/api/fixture/*'] });
  }
  return { ...real, services, routes };
}

type CfnValue = unknown;

/** Every `Ref`/`Fn::GetAtt`/`Fn::ImportValue` target inside a CloudFormation value. */
export function referencedNames(value: CfnValue): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedNames);
  if (value && typeof value === 'object') {
    const object = value as Record<string, CfnValue>;
    if (typeof object.Ref === 'string') return [object.Ref];
    if (Array.isArray(object['Fn::GetAtt'])) return [String(object['Fn::GetAtt'][0])];
    if (typeof object['Fn::ImportValue'] === 'string') return [object['Fn::ImportValue']];
    return Object.values(object).flatMap(referencedNames);
  }
  return [];
}

export function resourcesOfType(
  template: Template,
  type: string,
): [string, { Properties: Record<string, CfnValue> }][] {
  return Object.entries(template.findResources(type)) as [string, { Properties: Record<string, CfnValue> }][];
}

/** A CloudFormation string value as text: `Fn::Join` joined, `Ref`s and `Fn::GetAtt`s as `<Ref X>`/`<X.Attr>`. */
export function arnText(value: CfnValue): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const object = value as Record<string, CfnValue>;
    if (typeof object.Ref === 'string')
      return object.Ref.startsWith('AWS::') ? `<${object.Ref}>` : `<Ref ${object.Ref}>`;
    if (Array.isArray(object['Fn::GetAtt'])) return `<${object['Fn::GetAtt'].join('.')}>`;
    const join = object['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as CfnValue[]).map(arnText).join(String(join[0]));
  }
  return JSON.stringify(value);
}
