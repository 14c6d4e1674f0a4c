/**
 * The bundled TypeBox every process loads instead of the package's ~700 files
 * (packages/runtime/src/bundled-modules.ts): it must be exactly what the generator makes from the
 * installed typebox, and a process started the way the launcher and the image start it must get
 * every typebox specifier from it, one copy shared by Agora's code and its dependencies.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { vendoredTypeboxDir, writeTypeboxBundle } from '../src/install/typebox-bundle.ts';
import { instrumentModule } from '../src/local/launcher.ts';
import { repoRoot } from '../src/paths.ts';

const run = promisify(execFile);

describe('the bundled typebox', () => {
  it('is exactly what the generator writes from the installed package (else: npm run vendor:typebox)', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'agora-typebox-'));
    try {
      const manifest = await writeTypeboxBundle(fresh);
      assert.ok(Object.keys(manifest.entries).includes('typebox/compile'), 'typebox/compile is an entry point');
      const files = (await readdir(fresh)).sort();
      assert.deepEqual((await readdir(vendoredTypeboxDir)).sort(), files);
      for (const file of files) {
        assert.equal(
          await readFile(join(vendoredTypeboxDir, file), 'utf8'),
          await readFile(join(fresh, file), 'utf8'),
          `${file} differs from a fresh bundle`,
        );
      }
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('serves every typebox import of a process started with the instrument module, and no file of the package', async () => {
    // a hook registered before the instrument module's sees every module the process loads
    const probe = `
      import { registerHooks } from 'node:module';
      const loaded = [];
      registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
      process.on('exit', () => process.stderr.write(JSON.stringify(loaded)));
    `;
    const script = `
      const { Type } = await import('typebox');
      const { Compile } = await import('typebox/compile');
      const provider = await import('@fastify/type-provider-typebox');
      provider.registerAjvFormats();
      const check = Compile(Type.Object({ id: Type.String({ format: 'uuid' }) }));
      process.stdout.write(JSON.stringify({
        sameType: provider.Type === Type,
        valid: check.Check({ id: '0192e3f4-5a6b-7c8d-9e0f-123456789abc' }),
        invalid: check.Check({ id: 'not a uuid' }),
        resolved: import.meta.resolve('typebox/compile'),
      }));
    `;
    const { stdout, stderr } = await run(
      process.execPath,
      [
        `--import=data:text/javascript,${encodeURIComponent(probe)}`,
        `--import=${instrumentModule}`,
        '--input-type=module',
        '-e',
        script,
      ],
      { cwd: join(repoRoot, 'packages/runtime') },
    );
    const answer = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(answer, {
      sameType: true,
      valid: true,
      invalid: false,
      resolved: `file://${join(vendoredTypeboxDir, 'compile.mjs')}`,
    });
    const loaded = JSON.parse(stderr) as string[];
    const fromBundle = loaded.filter((url) => url.startsWith(`file://${vendoredTypeboxDir}/`));
    assert.ok(fromBundle.length >= 3, `${fromBundle.length} modules loaded from the bundle`);
    assert.deepEqual(
      loaded.filter((url) => url.includes('/node_modules/typebox/')),
      [],
      'files of the typebox package',
    );
  });
});
