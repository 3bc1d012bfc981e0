import { changeEnhancedMonitoring, metricsEnabled } from '../enhanced-metrics';
import type { EnableEnhancedMonitoringInput, EnhancedMonitoringOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';

/** Adds shard-level metrics; ALL means all seven. */
export function enableEnhancedMonitoring(ctx: KdsContext, input: EnableEnhancedMonitoringInput): Promise<EnhancedMonitoringOutput> {
  return changeEnhancedMonitoring(ctx, input, metricsEnabled);
}
