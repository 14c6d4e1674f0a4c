/**
 * The bootstrap as a command, for compose's one-shot container (and anyone with an endpoint):
 * creates every catalogue resource at AWS_ENDPOINT_URL under AGORA_PREFIX (default `agora`).
 * With AGORA_ENV_DIR set it writes each service's environment file there, with a signing key
 * generated now (never stored anywhere else); without, it prints the resource variables.
 * AGORA_TRACE_VIEWER names the trace viewer of compose's `traces` profile (http://zipkin:9411):
 * when it answers, every environment file sends that process's spans there; when it does not
 * (the profile is off, so the name does not even resolve), the files carry no exporter and
 * tracing stays off, exactly as without the profile.
 *   AWS_ENDPOINT_URL=http://127.0.0.1:5000 node tools/src/local/bootstrap-cli.ts
 */

import { bootstrap, type EmulatorResources } from './bootstrap.ts';
import { writeContainerEnvironments } from './container-env.ts';
import { generateSigningKeyPem } from './dev-key.ts';
import { emulatorClients } from './emulator-clients.ts';

const endpoint = process.env.AWS_ENDPOINT_URL;
if (!endpoint) {
  process.stderr.write(
    'Invalid configuration: AWS_ENDPOINT_URL is required but not set (the emulator, e.g. http://moto:5000)\n',
  );
  process.exit(1);
}
const prefix = process.env.AGORA_PREFIX || 'agora';
const attempts = 30;

async function bootstrapWhenAnswering(): Promise<EmulatorResources> {
  for (let attempt = 1; ; attempt++) {
    const clients = emulatorClients(endpoint as string);
    try {
      return await bootstrap(clients, prefix);
    } catch (error) {
      if (attempt >= attempts) throw error;
      process.stderr.write(`bootstrap: ${endpoint} not ready (${(error as Error).name}); retrying\n`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      clients.destroy();
    }
  }
}

/**
 * The viewer, when it answers its health check. Compose starts the bootstrap only after the
 * viewer is healthy when the profile is on (depends_on … required: false), so one probe decides.
 */
async function traceViewerAnswering(viewer: string): Promise<{ zipkinEndpoint: string } | undefined> {
  const base = viewer.replace(/\/+$/, '');
  try {
    const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
    if (response.ok) return { zipkinEndpoint: `${base}/api/v2/spans` };
    process.stderr.write(`bootstrap: the trace viewer at ${base} answered ${response.status}; tracing off\n`);
  } catch (error) {
    const reason = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).name;
    process.stdout.write(`bootstrap: no trace viewer at ${base} (${reason}); tracing off\n`);
  }
  return undefined;
}

const deployment = await bootstrapWhenAnswering();
const dir = process.env.AGORA_ENV_DIR;
if (dir) {
  const viewer = process.env.AGORA_TRACE_VIEWER;
  const traces = viewer ? await traceViewerAnswering(viewer) : undefined;
  if (traces) process.stdout.write(`bootstrap: every process sends its spans to ${traces.zipkinEndpoint}\n`);
  const files = await writeContainerEnvironments(dir, deployment, generateSigningKeyPem(), traces);
  process.stdout.write(`bootstrap: created the resources under "${prefix}"; wrote ${files.join(', ')}\n`);
} else {
  for (const [name, value] of Object.entries(deployment.env)) process.stdout.write(`${name}=${value}\n`);
}
