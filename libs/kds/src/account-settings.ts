import type { CoordinationStore } from '@spate/coordination';
import type { Caller } from './ports/stream-repository';

/**
 * The account-level KDS settings (today only the minimum throughput billing commitment), one JSON
 * document per account and region at `kds/accounts/<account>/<region>/settings`.
 *
 * AWS's rules for the commitment: it lasts at least 24 hours; disabling it earlier schedules the
 * end for the earliest allowed time (ENABLED_UNTIL_EARLIEST_ALLOWED_END), and enabling it again
 * before then cancels the scheduled end.
 */
export const MINIMUM_COMMITMENT_MS = 24 * 60 * 60 * 1000;

export type CommitmentStatus = 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END';

export interface Commitment {
  status: CommitmentStatus;
  startedMs?: number;
  endedMs?: number;
  earliestAllowedEndMs?: number;
}

export interface AccountSettings {
  commitment: Commitment;
}

const NEVER_SET: AccountSettings = { commitment: { status: 'DISABLED' } };

export function accountSettingsKey({ account, region }: Caller): string {
  return `kds/accounts/${account}/${region}/settings`;
}

export async function readAccountSettings(
  store: CoordinationStore,
  caller: Caller,
  nowMs: number,
): Promise<AccountSettings> {
  const stored = await store.get(accountSettingsKey(caller));
  return settle(stored ? (JSON.parse(stored.value) as AccountSettings) : NEVER_SET, nowMs);
}

/** Writes the commitment's new state (compare-and-set, retried on conflict) and returns it. */
export async function updateCommitment(
  store: CoordinationStore,
  caller: Caller,
  requested: 'ENABLED' | 'DISABLED',
  nowMs: number,
): Promise<AccountSettings> {
  const key = accountSettingsKey(caller);
  for (;;) {
    const stored = await store.get(key);
    const current = settle(stored ? (JSON.parse(stored.value) as AccountSettings) : NEVER_SET, nowMs);
    const next: AccountSettings = { ...current, commitment: nextCommitment(current.commitment, requested, nowMs) };
    if ((await store.compareAndSet(key, JSON.stringify(next), stored?.version ?? 0)) !== undefined) return next;
  }
}

/** Warm throughput is only for accounts whose commitment is in force. */
export function commitmentInForce(settings: AccountSettings): boolean {
  return settings.commitment.status !== 'DISABLED';
}

function nextCommitment(current: Commitment, requested: 'ENABLED' | 'DISABLED', nowMs: number): Commitment {
  if (requested === 'ENABLED') {
    if (current.status === 'ENABLED_UNTIL_EARLIEST_ALLOWED_END') return { ...current, status: 'ENABLED' };
    if (current.status === 'ENABLED') return current;
    return { status: 'ENABLED', startedMs: nowMs, earliestAllowedEndMs: nowMs + MINIMUM_COMMITMENT_MS };
  }
  if (current.status === 'DISABLED') return current;
  if (nowMs < (current.earliestAllowedEndMs ?? nowMs)) return { ...current, status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END' };
  return { ...current, status: 'DISABLED', endedMs: nowMs };
}

/** A scheduled end that has come is applied on read; the end time is the scheduled one. */
function settle(settings: AccountSettings, nowMs: number): AccountSettings {
  const { commitment } = settings;
  if (commitment.status !== 'ENABLED_UNTIL_EARLIEST_ALLOWED_END') return settings;
  if (nowMs < (commitment.earliestAllowedEndMs ?? nowMs)) return settings;
  return { ...settings, commitment: { ...commitment, status: 'DISABLED', endedMs: commitment.earliestAllowedEndMs } };
}
