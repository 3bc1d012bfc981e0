/** Lease lengths must be whole positive milliseconds (Redis `PX` accepts nothing else). */
export function checkLeaseTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`A lease TTL must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}

export function storeClosedError(): Error {
  return new Error('The coordination store is closed');
}

export function notAnIntegerError(key: string): Error {
  return new Error(`Cannot increment ${JSON.stringify(key)}: its value is not an integer`);
}
