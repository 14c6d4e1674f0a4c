/**
 * The import rules (.dependency-cruiser.cjs) that `npm run check` enforces on the tree: each rule
 * is shown to fail on a forbidden import, in a scratch tree laid out like the repository, so a rule
 * that silently matches nothing (a wrong path pattern, a parser that misses TypeScript) fails here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../src/paths.ts';

const run = promisify(execFile);
const config = join(repoRoot, '.dependency-cruiser.cjs');
const depcruise = join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

let scratch: string;

async function lay(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'tree-'));
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** The rules the tree breaks, by name, as `npm run check` would report them. */
async function violations(files: Record<string, string>): Promise<Violation[]> {
  const dir = await lay(files);
  const roots = [...new Set(Object.keys(files).map((path) => path.split('/')[0] as string))];
  const result = await run(process.execPath, [depcruise, '--config', config, '--output-type', 'json', ...roots], {
    cwd: dir,
  }).catch((error: { stdout: string }) => error);
  const report = JSON.parse(result.stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

const manifest = (name: string, dependencies: Record<string, string> = {}) =>
  JSON.stringify({ name, version: '0.1.0', type: 'module', dependencies });

/** The tree breaks `rule`, and only from the one file that makes the forbidden import. */
async function assertBroken(rule: string, files: Record<string, string>, from: string): Promise<void> {
  const found = await violations(files);
  assert.ok(
    found.some((violation) => violation.rule.name === rule),
    `expected ${rule}, got ${JSON.stringify(found.map((violation) => violation.rule.name))}`,
  );
  assert.deepEqual([...new Set(found.map((violation) => violation.from))], [from]);
}

describe('the dependency rules', () => {
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'agora-dependency-rules-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test('pass a tree that keeps them', async () => {
    assert.deepEqual(
      await violations({
        'packages/catalogue/package.json': manifest('@agora/catalogue'),
        'packages/catalogue/src/services.ts': 'export const services = [];\n',
        'services/inventory/package.json': manifest('@agora/inventory'),
        'services/inventory/src/upload-metadata.ts': "export const key = 'upload-id';\n",
        'services/inventory/src/routes/uploads.ts': "import { key } from '../upload-metadata.ts';\nexport { key };\n",
        'services/inventory/src/worker/load.ts': "import { key } from '../upload-metadata.ts';\nexport { key };\n",
      }),
      [],
    );
  });

  test('refuse an inventory API module importing the worker', () =>
    assertBroken(
      'api-apart-from-worker',
      {
        'services/inventory/package.json': manifest('@agora/inventory'),
        'services/inventory/src/worker/process-object.ts': "export const key = 'upload-id';\n",
        'services/inventory/src/routes/uploads.ts':
          "import { key } from '../worker/process-object.ts';\nexport { key };\n",
      },
      'services/inventory/src/routes/uploads.ts',
    ));

  test('refuse a service importing another service', () =>
    assertBroken(
      'services-apart',
      {
        'services/users/package.json': manifest('@agora/users'),
        'services/users/src/users-repo.ts': 'export const table = 1;\n',
        'services/topics/package.json': manifest('@agora/topics'),
        'services/topics/src/app.ts': "import { table } from '../../users/src/users-repo.ts';\nexport { table };\n",
      },
      'services/topics/src/app.ts',
    ));

  test('refuse the runtime importing a service', () =>
    assertBroken(
      'runtime-below-services',
      {
        'services/users/package.json': manifest('@agora/users'),
        'services/users/src/users-repo.ts': 'export const table = 1;\n',
        'packages/runtime/package.json': manifest('@agora/runtime'),
        'packages/runtime/src/auth.ts':
          "import { table } from '../../../services/users/src/users-repo.ts';\nexport { table };\n",
      },
      'packages/runtime/src/auth.ts',
    ));

  test('refuse I/O in the catalogue', () =>
    assertBroken(
      'catalogue-is-data',
      {
        'packages/catalogue/package.json': manifest('@agora/catalogue'),
        'packages/catalogue/src/services.ts': "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
      },
      'packages/catalogue/src/services.ts',
    ));

  test('refuse the CDK app needing the developer tools at run time', () =>
    assertBroken(
      'deployables-without-tools',
      {
        'tools/package.json': manifest('@agora/tools'),
        'tools/src/install/python-tools.ts': 'export const venv = 1;\n',
        'infra/package.json': manifest('@agora/infra'),
        'infra/src/cfn-lint.ts': "import { venv } from '../../tools/src/install/python-tools.ts';\nexport { venv };\n",
      },
      'infra/src/cfn-lint.ts',
    ));

  test('refuse modules that import each other in a circle, but not through type-only imports', async () => {
    const circle = (aImport: string) => ({
      'services/users/package.json': manifest('@agora/users'),
      'services/users/src/a.ts': `${aImport}\nexport const a = 1;\n`,
      'services/users/src/b.ts': "import { a } from './a.ts';\nexport const b = a;\nexport type B = number;\n",
    });
    const found = await violations(circle("import { b } from './b.ts';\nexport const c = b;"));
    assert.ok(found.some((violation) => violation.rule.name === 'no-cycles-at-run-time'));
    assert.deepEqual(await violations(circle("import type { B } from './b.ts';\nexport type C = B;")), []);
  });

  test("refuse an import of a package the workspace's package.json does not declare", () =>
    assertBroken(
      'declared-dependencies',
      {
        'services/users/package.json': manifest('@agora/users', { fastify: '5.12.8' }),
        'services/users/src/logger.ts': "import pino from 'pino';\nexport { pino };\n",
      },
      'services/users/src/logger.ts',
    ));
});
