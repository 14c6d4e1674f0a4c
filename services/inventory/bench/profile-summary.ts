/**
 * A .cpuprofile (node --cpu-prof) summed by where its self time went: per package (or file of
 * this repository), the top ones first, and the top functions. What the profile says, in numbers.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function packageOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const repo = url.indexOf('/services/') !== -1 ? url.indexOf('/services/') : url.indexOf('/packages/');
  return repo === -1 ? url : url.slice(repo + 1);
}

const profile = JSON.parse(await readFile(process.argv[2] as string, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const perPackage = new Map<string, number>();
const perFunction = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const micros = profile.timeDeltas[index] ?? 0;
  const frame = byId.get(id)?.callFrame;
  if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
  total += micros;
  const where = packageOf(frame.url);
  perPackage.set(where, (perPackage.get(where) ?? 0) + micros);
  const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  perFunction.set(name, (perFunction.get(name) ?? 0) + micros);
});
const top = (map: Map<string, number>, count: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
process.stdout.write(`busy CPU in the profile: ${(total / 1000).toFixed(0)} ms\n\nby package / file\n`);
for (const [name, micros] of top(perPackage, 20)) {
  process.stdout.write(
    `  ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}\n`,
  );
}
process.stdout.write('\nby function (self time)\n');
for (const [name, micros] of top(perFunction, 25)) {
  process.stdout.write(
    `  ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}\n`,
  );
}
