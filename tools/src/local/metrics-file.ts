/** Where `npm run up` keeps the services' EMF lines for `npm run metrics` (a new file each run). */
import { stateDir } from '../paths.ts';

export const metricsFile = `${stateDir}/metrics.jsonl`;
/** Locally the services flush every 10 s (60 s on AWS): the view follows closely. */
export const localMetricsIntervalSeconds = '10';
