import { createJsonProtocolHandler, type EdgeHandler, type OperationHandler, type ServiceModel } from '@spate/aws-protocol';
import type { CoordinationStore } from '@spate/coordination';
import { kinesisActions, kinesisModel, ThroughputLimiter, type KdsContext, type KdsSettings, type ShardDataPlane, type StreamRepository } from '@spate/kds';
import type { EdgeConfig } from './edge.config';
import type { EdgeMetrics } from './edge-metrics';

export const KINESIS_TARGET_PREFIX = 'Kinesis_20131202';

export interface KinesisServiceDeps {
  config: EdgeConfig;
  settings: KdsSettings;
  store: CoordinationStore;
  streams: StreamRepository;
  data: ShardDataPlane;
  metrics: EdgeMetrics;
  /** Told about every failure that became a 500 InternalFailure, with the request it broke. */
  onInternalError(error: Error, request: { requestId: string; operation?: string }): void;
}

/** The Kinesis Data Streams API: the JSON 1.1 / CBOR protocol over the KDS actions. */
export function createKinesisHandler(deps: KinesisServiceDeps): EdgeHandler {
  const operations: Record<string, OperationHandler> = {};
  const throughput = deps.settings.enforceThroughputLimits ? new ThroughputLimiter() : undefined;
  for (const [name, action] of Object.entries(kinesisActions)) {
    operations[name] = async (input, request) => {
      const context: KdsContext = {
        caller: { account: request.account, region: request.region },
        requestId: request.requestId,
        streams: deps.streams,
        data: deps.data,
        store: deps.store,
        settings: deps.settings,
        throughput,
        now: Date.now,
        onBackgroundError: (error) => deps.onInternalError?.(error, { requestId: request.requestId, operation: name }),
      };
      const output = await (action as (c: KdsContext, i: unknown) => Promise<unknown>)(context, input);
      deps.metrics.observeKinesis(name, input, output);
      return output;
    };
  }
  return createJsonProtocolHandler({
    model: kinesisModel as ServiceModel,
    targetPrefix: KINESIS_TARGET_PREFIX,
    operations,
    defaultAccount: deps.config.defaultAccount,
    defaultRegion: deps.config.defaultRegion,
    credentials: Object.keys(deps.config.credentials).length > 0 ? deps.config.credentials : undefined,
    onError: deps.onInternalError,
  });
}
