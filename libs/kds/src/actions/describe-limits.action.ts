import { accountUsage } from '../account-usage';
import type { DescribeLimitsOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';

/** The configured limits and the caller's usage in its account and region. */
export async function describeLimits(ctx: KdsContext): Promise<DescribeLimitsOutput> {
  const usage = accountUsage(await ctx.streams.list(ctx.caller.account, ctx.caller.region));
  return {
    ShardLimit: ctx.settings.shardLimit,
    OpenShardCount: usage.openShards,
    OnDemandStreamCount: usage.onDemandStreams,
    OnDemandStreamCountLimit: ctx.settings.onDemandStreamLimit,
  };
}
