import { types } from 'node:util';

/** `value` if it is an Error of any realm (Node's own errors fail `instanceof` under a VM test runner), else an Error saying what it was. */
export function asError(value: unknown): Error {
  return types.isNativeError(value) || value instanceof Error ? value : new Error(String(value));
}
