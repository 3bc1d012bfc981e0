import { changeEnhancedMonitoring, metricsDisabled } from '../enhanced-metrics';
import type { DisableEnhancedMonitoringInput, EnhancedMonitoringOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';

/** Removes shard-level metrics; ALL means all seven. */
export function disableEnhancedMonitoring(ctx: KdsContext, input: DisableEnhancedMonitoringInput): Promise<EnhancedMonitoringOutput> {
  return changeEnhancedMonitoring(ctx, input, metricsDisabled);
}
