import { consumerNotFound, findConsumer } from '../consumer-lookup';
import type { DeregisterStreamConsumerInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { ConsumerMeta } from '../ports/stream-meta';

/**
 * The consumer is DELETING for `consumerDelayMs`, then gone; with no delay it is gone at once.
 * Deregistering a consumer that is already DELETING changes nothing.
 */
export async function deregisterStreamConsumer(ctx: KdsContext, input: DeregisterStreamConsumerInput): Promise<void> {
  const { stream, consumer } = await findConsumer(ctx, input);
  const nowMs = ctx.now();
  const delayMs = ctx.settings.consumerDelayMs;
  await ctx.streams.update(stream, (meta) => {
    const current = meta.consumers.find((c) => c.arn === consumer.arn);
    if (!current) throw consumerNotFound(consumer.arn, meta.account);
    if (current.status === 'DELETING') return meta;
    const others = meta.consumers.filter((c) => c !== current);
    if (delayMs === 0) return { ...meta, consumers: others };
    const deleting: ConsumerMeta = { ...current, status: 'DELETING', statusChangeAtMs: nowMs + delayMs };
    delete deleting.pendingStatus;
    return { ...meta, consumers: meta.consumers.map((c) => (c === current ? deleting : c)) };
  });
}
