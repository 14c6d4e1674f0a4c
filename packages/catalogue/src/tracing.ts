/**
 * How deployed tasks sample traces: a new trace is kept at this ratio and a request's callees
 * follow its caller's choice. The CDK app deploys it (its `traceSampleRatio` context overrides the
 * ratio) and the benchmarks start services with it, so what they measure is what tasks run.
 */
export const deployedTraceSampling = { sampler: 'parentbased_traceidratio', defaultRatio: 0.05 } as const;

/** The OpenTelemetry variables that set a process's sampling. */
export function traceSamplingEnvironment(ratio: number = deployedTraceSampling.defaultRatio): Record<string, string> {
  return { OTEL_TRACES_SAMPLER: deployedTraceSampling.sampler, OTEL_TRACES_SAMPLER_ARG: String(ratio) };
}
