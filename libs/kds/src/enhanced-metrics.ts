import type { MetricsName } from './model/kinesis-shapes';

/** The shard-level metrics in the model's order; `ALL` in a request stands for every one of them. */
export const SHARD_LEVEL_METRICS: Exclude<MetricsName, 'ALL'>[] = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

/** The metrics a request names, with ALL expanded, in the model's order. */
export function expandMetrics(requested: MetricsName[]): string[] {
  if (requested.includes('ALL')) return [...SHARD_LEVEL_METRICS];
  return SHARD_LEVEL_METRICS.filter((metric) => requested.includes(metric));
}

/** `enabled` plus `requested`, in the model's order. */
export function metricsEnabled(enabled: string[], requested: MetricsName[]): string[] {
  const next = new Set([...enabled, ...expandMetrics(requested)]);
  return SHARD_LEVEL_METRICS.filter((metric) => next.has(metric));
}

/** `enabled` without `requested`, in the model's order. */
export function metricsDisabled(enabled: string[], requested: MetricsName[]): string[] {
  const removed = new Set(expandMetrics(requested));
  return SHARD_LEVEL_METRICS.filter((metric) => enabled.includes(metric) && !removed.has(metric));
}
