/**
 * Ports handed out by `freePort` are reserved machine-wide, one file per port, until the process
 * that took them exits. `freePort` picks a port at random and checks nothing listens on it, but the
 * process it is for binds it only seconds later (the gateway's control port waits for every service
 * to start). Test files run in parallel processes, each picking dozens of ports from the same
 * 10,000, so two of them picking the same one in that window is a birthday collision that does
 * happen: CI once lost the gateway to "EADDRINUSE" on its control port. A reservation is a file
 * created exclusively (`wx`), holding its owner's pid; a file whose owner is dead (killed before its
 * exit handler ran) is taken over under a lock, so two processes never both take it.
 */
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One directory for the whole machine: every checkout's tests and `npm run up` share the ports. */
export const reservationsDir = join(tmpdir(), 'agora-port-reservations');

const heldHere = new Set<string>();
let releaseOnExit = false;

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // released in between
  }
}

function hold(file: string): void {
  heldHere.add(file);
  if (releaseOnExit) return;
  releaseOnExit = true;
  process.once('exit', () => {
    for (const held of heldHere) rmSync(held, { force: true });
  });
}

/** Takes `port` for this process; false when another live process holds it. */
export function reservePort(port: number): boolean {
  mkdirSync(reservationsDir, { recursive: true });
  const file = join(reservationsDir, String(port));
  if (heldHere.has(file)) return false; // this process handed it out already
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    hold(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = ownerOf(file);
  if (owner === undefined || isAlive(owner)) return false;
  // The owner died holding it: take it over, one process at a time (mkdir is atomic).
  const lock = `${file}.takeover`;
  try {
    mkdirSync(lock);
  } catch {
    return false;
  }
  try {
    const stillOwner = ownerOf(file);
    if (stillOwner !== undefined && isAlive(stillOwner)) return false;
    writeFileSync(file, String(process.pid));
    hold(file);
    return true;
  } finally {
    rmdirSync(lock);
  }
}
