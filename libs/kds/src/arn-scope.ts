import { KinesisError } from './kinesis-error';
import type { Caller } from './ports/stream-repository';

/**
 * Whether an ARN in a request names something the caller may reach. Accounts are kept apart: an
 * ARN of another account is refused as AWS refuses it when no resource-based policy grants access
 * (Spate does not evaluate resource policies, so none ever does). An ARN of another region is
 * not refused; it simply names nothing this region's endpoint holds, so callers answer not found.
 */
export function arnIsInCallerRegion(caller: Caller, arn: string, parts: { account: string; region: string }): boolean {
  if (parts.account !== caller.account) {
    throw new KinesisError(
      'AccessDeniedException',
      `User: arn:aws:iam::${caller.account}:root is not authorized to access resource: ${arn} ` +
        'because no resource-based policy allows the access.',
    );
  }
  return parts.region === caller.region;
}
