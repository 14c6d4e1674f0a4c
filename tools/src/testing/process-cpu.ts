import { readFile } from 'node:fs/promises';

/**
 * A process's own CPU time (user + system) so far, in µs, from the OS (/proc/<pid>/stat): what
 * the process did, whatever else the machine runs at the time (wall-clock rates are not).
 */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces) start at state; utime, stime are 14th, 15th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}
