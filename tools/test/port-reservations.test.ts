import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { reservationsDir, reservePort } from '../src/local/port-reservations.ts';

const run = promisify(execFile);
const emulatorModule = new URL('../src/local/emulator.ts', import.meta.url).href;
const reservationsModule = new URL('../src/local/port-reservations.ts', import.meta.url).href;

/** Runs `source` (an ES module body) in a fresh Node process and returns what it printed. */
async function inChild(source: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source]);
  return stdout;
}

/** Starts a Node process that prints the ports it picked, then holds them until its stdin closes. */
async function picker(picks: number): Promise<{ ports: number[]; exit(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { freePort } from '${emulatorModule}';
       const ports = [];
       for (let i = 0; i < ${picks}; i++) ports.push(await freePort());
       console.log(JSON.stringify(ports));
       process.stdin.resume();`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let printed = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    printed += chunk;
  });
  while (!printed.includes('\n')) {
    await Promise.race([once(child.stdout, 'data'), once(child, 'exit')]);
    if (child.exitCode !== null) throw new Error(`picker exited with ${child.exitCode}`);
  }
  return {
    ports: JSON.parse(printed) as number[],
    exit: async () => {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

describe('free ports for the processes a harness starts', () => {
  it('never hands the same port to two processes picking at once', async () => {
    // 4 processes × 400 picks from 10,000 ports, all held (as by processes yet to bind them) until
    // every process has picked: without the reservations ~60 shared ports are expected here.
    const picks = 400;
    const pickers = await Promise.all(Array.from({ length: 4 }, () => picker(picks)));
    await Promise.all(pickers.map((each) => each.exit()));
    const ports = pickers.flatMap((each) => each.ports);
    assert.equal(ports.length, 4 * picks);
    const shared = ports.filter((port, index) => ports.indexOf(port) !== index);
    assert.deepEqual(shared, [], 'ports handed to more than one process');
  });

  it('releases a process’s ports when it exits', async () => {
    const port = Number(
      await inChild(
        `import { freePort } from '${emulatorModule}';
         console.log(await freePort());`,
      ),
    );
    assert.ok(port > 0);
    assert.equal(existsSync(join(reservationsDir, String(port))), false);
    assert.equal(reservePort(port), true);
  });

  it('takes over a port whose holder died without releasing it, and refuses one a live process holds', async () => {
    const deadPid = Number(await inChild('console.log(process.pid)'));
    mkdirSync(reservationsDir, { recursive: true });
    const port = 1000 + (deadPid % 20_000); // not a port freePort picks from
    writeFileSync(join(reservationsDir, String(port)), String(deadPid));
    assert.equal(reservePort(port), true);
    const taken = await inChild(
      `import { reservePort } from '${reservationsModule}';
       console.log(reservePort(${port}));`,
    );
    assert.equal(taken.trim(), 'false');
  });
});
