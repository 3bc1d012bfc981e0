import { KinesisError, type KinesisErrorType } from '../kinesis-error';

/** A Kinesis error as a plain object (its message, type and status as fields), for toEqual. */
export function kinesisFailure(type: KinesisErrorType, message: string): object {
  return asPlain(new KinesisError(type, message));
}

/**
 * What `action` failed with, in the form of kinesisFailure. Anything but a KinesisError is
 * rethrown, and success is an error, so a spec can only pass on the exact failure it expects.
 */
export async function failureOf(action: Promise<unknown> | (() => unknown)): Promise<object> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    if (error instanceof KinesisError) return asPlain(error);
    throw error;
  }
  throw new Error('Expected the action to fail with a KinesisError, but it succeeded.');
}

/** Every own field but the stack (enumerable or not, so `message` too), and the error's name. */
function asPlain(error: KinesisError): object {
  const fields = Object.getOwnPropertyNames(error).filter((field) => field !== 'stack');
  const plain: Record<string, unknown> = { name: error.name };
  for (const field of fields) plain[field] = (error as unknown as Record<string, unknown>)[field];
  return plain;
}
