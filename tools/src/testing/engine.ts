/**
 * The container engine, for the tests that need a real one (compose-engine.test.ts,
 * task-definition-engine.test.ts): whether one answers here, the build context as a fresh clone
 * would have it, and a compose project under a name unique to the run that is removed whole
 * (containers, its built images, volumes, networks) when the run ends.
 * Only the docker CLI is used: what is tested is what a user types.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../local/emulator.ts';
import { repoRoot } from '../paths.ts';
import { waitForHttp } from '../wait.ts';
import { runCommand } from './run-command.ts';

/** `docker <args>`'s standard output; rejects with its error output when it fails. */
export async function docker(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<string> {
  const result = await runCommand('docker', args, options);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${result.code}:\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}

/**
 * Why the engine tests cannot run here, or undefined when they can: an engine answers, compose is
 * installed, and every base image the builds start from is here or can be pulled.
 */
export async function engineAbsence(baseImages: readonly string[]): Promise<string | undefined> {
  const server = await runCommand('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  if (server.code !== 0) {
    return `no Docker engine answers here (${(server.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)})`;
  }
  const compose = await runCommand('docker', ['compose', 'version'], { timeoutMs: 15_000 });
  if (compose.code !== 0) return 'a Docker engine answers, but the docker compose plugin is not installed';
  for (const image of baseImages) {
    if ((await runCommand('docker', ['image', 'inspect', image], { timeoutMs: 15_000 })).code === 0) continue;
    const pulled = await runCommand('docker', ['pull', '--quiet', image], { timeoutMs: 60_000 });
    if (pulled.code !== 0) {
      return `the base image ${image} is not here and cannot be pulled (no registry reachable?): npm run images:offline builds it`;
    }
  }
  return undefined;
}

/**
 * A copy of the working tree as a fresh clone of it would be: the files git tracks or would
 * track (nothing .gitignore excludes: no node_modules, no built dashboard, no local state), so
 * an image cannot pass on something only this checkout has.
 */
export async function freshCloneContext(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const listed = await runCommand('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (listed.code !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const dir = await mkdtemp(join(tmpdir(), 'agora-context-'));
  const files = listed.stdout.split('\0').filter(Boolean);
  const folders = new Set(files.map((file) => dirname(file)));
  await Promise.all([...folders].map((folder) => mkdir(join(dir, folder), { recursive: true })));
  for (const file of files) {
    // A tracked file deleted in the working tree is not part of the next commit either.
    await cp(join(repoRoot, file), join(dir, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * moto's image on a docker network, where containers reach it as `moto:5000`, published on a free
 * loopback port for host-side tools; resolves with that host endpoint once moto answers.
 */
export async function runEmulatorContainer(options: {
  readonly name: string;
  readonly image: string;
  readonly network: string;
  readonly label: string;
}): Promise<string> {
  const port = await freePort();
  await docker([
    'run',
    '--detach',
    '--name',
    options.name,
    '--label',
    options.label,
    '--network',
    options.network,
    '--network-alias',
    'moto',
    '--publish',
    `127.0.0.1:${port}:5000`,
    options.image,
  ]);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(`${endpoint}/moto-api/data.json`, { timeoutMs: 60_000 });
  return endpoint;
}

export function uniqueProjectName(label: string): string {
  return `agora-${label}-${randomBytes(4).toString('hex')}`;
}

export interface ProjectLeftovers {
  readonly containers: string[];
  readonly images: string[];
  readonly volumes: string[];
  readonly networks: string[];
}

/** `docker compose` for one project, in one directory, with the variables the compose file reads. */
export class ComposeProject {
  readonly name: string;
  readonly dir: string;
  private readonly variables: Record<string, string>;

  constructor(options: { name: string; dir: string; variables?: Record<string, string> }) {
    this.name = options.name;
    this.dir = options.dir;
    this.variables = options.variables ?? {};
  }

  run(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    return docker(['compose', '--project-name', this.name, '--file', 'docker-compose.yml', ...args], {
      cwd: this.dir,
      env: { ...process.env, ...this.variables },
      timeoutMs,
    });
  }

  /** The image compose builds for a service of this project. */
  imageOf(service: string): string {
    return `${this.name}-${service}`;
  }

  /** The host port the engine published a service's container port on (`docker compose port`). */
  async publishedPort(service: string, containerPort: number): Promise<number> {
    const address = (await this.run(['port', service, String(containerPort)])).trim().split('\n')[0] ?? '';
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    if (!Number.isInteger(port) || port <= 0)
      throw new Error(`${service} publishes no port ${containerPort}: '${address}'`);
    return port;
  }

  /** Every container, with its service, state, health and exit code, as `docker compose ps` sees them. */
  async containers(): Promise<{ Service: string; Name: string; State: string; Health: string; ExitCode: number }[]> {
    const text = await this.run(['ps', '--all', '--format', 'json']);
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line));
  }

  /** Removes everything the project made: its containers, the images it built, its volumes and networks. */
  async down(): Promise<void> {
    await this.run(['down', '--rmi', 'local', '--volumes', '--remove-orphans', '--timeout', '30'], 180_000);
  }

  /** What the engine still holds of this project, found by the label compose puts on each and by name. */
  async leftovers(): Promise<ProjectLeftovers> {
    const label = `label=com.docker.compose.project=${this.name}`;
    const lines = (text: string) => text.split('\n').filter(Boolean);
    const images = new Set([
      ...lines(await docker(['image', 'ls', '--filter', label, '--format', '{{.Repository}}:{{.Tag}}'])),
      ...lines(
        await docker(['image', 'ls', '--filter', `reference=${this.name}-*`, '--format', '{{.Repository}}:{{.Tag}}']),
      ),
    ]);
    return {
      containers: lines(await docker(['container', 'ls', '--all', '--filter', label, '--format', '{{.Names}}'])),
      images: [...images],
      volumes: lines(await docker(['volume', 'ls', '--filter', label, '--format', '{{.Name}}'])),
      networks: lines(await docker(['network', 'ls', '--filter', label, '--format', '{{.Name}}'])),
    };
  }
}

/**
 * The web app's page as a browser loads it from `baseUrl`: the HTML at `/`, then every script
 * and stylesheet it names, each answering 200. Returns the asset paths it loaded.
 */
export async function loadDashboard(baseUrl: string): Promise<{ html: string; assets: string[] }> {
  const page = await fetch(`${baseUrl}/`);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`GET / answered ${page.status}: ${html.slice(0, 300)}`);
  if (!String(page.headers.get('content-type')).startsWith('text/html')) {
    throw new Error(`GET / is ${page.headers.get('content-type')}, not the web app's HTML`);
  }
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
  for (const asset of assets) {
    const response = await fetch(`${baseUrl}${asset}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`the web app's ${asset} answered ${response.status}`);
  }
  return { html, assets };
}
