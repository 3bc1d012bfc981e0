import { KinesisError } from './kinesis-error';

/** What GetResourcePolicy answers for a resource without a policy: the model requires a Policy. */
export const NO_POLICY = '{}';

/**
 * Spate stores resource policies and reports them but does not evaluate them. It checks what a
 * policy document needs to be one: a JSON object with a Statement (one statement or a non-empty
 * list), every statement having an Effect of Allow or Deny.
 */
export function checkPolicyDocument(policy: string): void {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw invalid('it is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalid('it is not a JSON object');
  }
  const { Statement } = document as { Statement?: unknown };
  const statements = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (statements.length === 0) throw invalid('it has no Statement');
  const effects = statements.map((statement) => (statement as { Effect?: unknown } | null)?.Effect);
  if (!effects.every((effect) => effect === 'Allow' || effect === 'Deny')) {
    throw invalid('every statement needs an Effect of Allow or Deny');
  }
}

function invalid(reason: string): KinesisError {
  return new KinesisError('InvalidArgumentException', `The resource policy is not a valid policy document: ${reason}.`);
}
