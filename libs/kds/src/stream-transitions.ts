import type { ConsumerMeta, StreamMeta } from './ports/stream-meta';

/**
 * Applies the status changes that were due by `nowMs`, which AWS performs on its own after a delay
 * and Spate stores as a time (see StreamMeta). Returns the same object when nothing was due, a new
 * one when something changed, and undefined when the stream itself has finished DELETING.
 *
 * A change that is due becomes `pendingStatus`, or ACTIVE when none is recorded; a stream or
 * consumer in DELETING disappears instead. A stream leaving UPDATING has reached its warm
 * throughput target.
 */
export function applyDueTransitions(meta: StreamMeta, nowMs: number): StreamMeta | undefined {
  let next = meta;
  if (isDue(meta, nowMs)) {
    if (meta.status === 'DELETING') return undefined;
    next = settled(meta);
    if (next.warmThroughput) {
      next.warmThroughput = { ...next.warmThroughput, currentMiBps: next.warmThroughput.targetMiBps };
    }
  }
  if (next.consumers.some((consumer) => isDue(consumer, nowMs))) {
    next = {
      ...next,
      consumers: next.consumers.flatMap((consumer) => {
        if (!isDue(consumer, nowMs)) return [consumer];
        return consumer.status === 'DELETING' ? [] : [settled(consumer)];
      }),
    };
  }
  return next;
}

/** A copy in the status it was heading for, with the pending change cleared. */
function settled<T extends StreamMeta | ConsumerMeta>(subject: T): T {
  const next = { ...subject, status: subject.pendingStatus ?? 'ACTIVE' };
  delete next.pendingStatus;
  delete next.statusChangeAtMs;
  return next;
}

function isDue(subject: { statusChangeAtMs?: number }, nowMs: number): boolean {
  return subject.statusChangeAtMs !== undefined && subject.statusChangeAtMs <= nowMs;
}
