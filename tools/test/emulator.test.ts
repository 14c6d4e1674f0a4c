import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ensureEmulatorInstalled, startEmulator, venvDir } from '../src/local/emulator.ts';

describe('the emulator harness', () => {
  it('uses AWS_ENDPOINT_URL when it is set and starts nothing', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    try {
      const emulator = await startEmulator();
      assert.equal(emulator.endpoint, 'http://127.0.0.1:1');
      assert.equal(emulator.owned, false);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('leaves the installed venv alone when it is current', async () => {
    await ensureEmulatorInstalled();
    const before = statSync(`${venvDir}/.agora-requirements`).mtimeMs;
    await ensureEmulatorInstalled();
    assert.equal(statSync(`${venvDir}/.agora-requirements`).mtimeMs, before);
  });

  it('starts moto on a free loopback port, and stops it', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;
    try {
      const emulator = await startEmulator();
      assert.match(emulator.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${emulator.endpoint}/moto-api/data.json`);
      assert.equal(response.status, 200);
      await emulator.stop();
      await assert.rejects(fetch(`${emulator.endpoint}/moto-api/data.json`));
    } finally {
      if (saved !== undefined) process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('leaves no orphan emulator when its parent is killed outright', async () => {
    const script = `
      import { startEmulator } from './tools/src/local/emulator.ts';
      const emulator = await startEmulator();
      const port = new URL(emulator.endpoint).port;
      console.log(port);
      setInterval(() => {}, 1000);
    `;
    const env = { ...process.env };
    delete env.AWS_ENDPOINT_URL;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('../../', import.meta.url),
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<string>((resolve) =>
      parent.stdout.once('data', (chunk) => resolve(String(chunk).trim())),
    );
    const endpoint = `http://127.0.0.1:${port}/moto-api/data.json`;
    assert.equal((await fetch(endpoint)).status, 200);
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;
    const stopped = async () => {
      try {
        await fetch(endpoint);
        return false;
      } catch {
        return true;
      }
    };
    let gone = false;
    for (let attempt = 0; attempt < 50 && !gone; attempt++) {
      gone = await stopped();
      if (!gone) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(gone, 'the emulator went away with its parent');
  });
});
