/**
 * `npm run metrics`: the running local system's metrics (what `npm run up` collected from the
 * services' EMF lines), over the last 5 minutes or `--minutes=N`; `--watch` refreshes every 5 s.
 */
import { readFile } from 'node:fs/promises';
import { metricsFile } from '../local/metrics-file.ts';
import { formatSummary, summarizeMetrics } from '../local/metrics-view.ts';

const minutesFlag = process.argv.find((arg) => arg.startsWith('--minutes='));
const minutes = minutesFlag ? Number(minutesFlag.slice('--minutes='.length)) : 5;
if (!Number.isFinite(minutes) || minutes <= 0) {
  process.stderr.write('--minutes= needs a positive number\n');
  process.exit(2);
}

async function show(): Promise<void> {
  let text: string;
  try {
    text = await readFile(metricsFile, 'utf8');
  } catch {
    process.stderr.write(`No metrics yet: ${metricsFile} is written by \`npm run up\` while it runs.\n`);
    process.exit(1);
  }
  const summary = summarizeMetrics(text.split('\n'), Date.now() - minutes * 60_000);
  process.stdout.write(formatSummary(summary, minutes));
}

await show();
if (process.argv.includes('--watch')) {
  const timer = setInterval(() => {
    process.stdout.write('\x1b[2J\x1b[H');
    show().catch((error) => process.stderr.write(`${error}\n`));
  }, 5000);
  process.on('SIGINT', () => {
    clearInterval(timer);
    process.exit(0);
  });
}
