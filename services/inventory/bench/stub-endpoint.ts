/** Starts stub-dynamo.ts in its own process: its endpoint, and how to stop it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export async function startStubDynamo(...args: string[]): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, [new URL('./stub-dynamo.ts', import.meta.url).pathname, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { endpoint: `http://127.0.0.1:${line.trim()}`, stop: () => child.stdin.end() };
}
