import { KinesisError } from './kinesis-error';
import type { StreamMeta, StreamStatus } from './ports/stream-meta';
import { applyDueTransitions } from './stream-transitions';

/**
 * ResourceInUseException unless the stream is in one of `allowed` (ACTIVE when none are given).
 * The wording is AWS's for a stream that is not ACTIVE.
 */
export function requireStreamStatus(meta: StreamMeta, ...allowed: StreamStatus[]): void {
  const permitted = allowed.length > 0 ? allowed : ['ACTIVE'];
  if (!permitted.includes(meta.status)) {
    throw new KinesisError(
      'ResourceInUseException',
      `Stream ${meta.name} under account ${meta.account} not ACTIVE, instead in state ${meta.status}`,
    );
  }
}

/**
 * `meta` UPDATING for `delayMs`, after which it is ACTIVE again (see stream-transitions.ts). With no
 * delay the update is over at once and the stream stays ACTIVE, exactly as if the delay had passed.
 */
export function startUpdate(meta: StreamMeta, delayMs: number, nowMs: number): StreamMeta {
  return inTransition(meta, 'UPDATING', delayMs, nowMs);
}

/** `meta` CREATING or UPDATING until `delayMs` has passed, then ACTIVE; ACTIVE at once when it is 0. */
export function inTransition(
  meta: StreamMeta,
  status: 'CREATING' | 'UPDATING',
  delayMs: number,
  nowMs: number,
): StreamMeta {
  const transient: StreamMeta = { ...meta, status, pendingStatus: 'ACTIVE', statusChangeAtMs: nowMs + delayMs };
  // Only a DELETING stream settles to nothing, so this one settles to a document.
  return delayMs > 0 ? transient : (applyDueTransitions(transient, nowMs) as StreamMeta);
}
