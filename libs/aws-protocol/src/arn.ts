export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** `arn:partition:service:region:account:resource`; the partition defaults to `aws`. */
export function formatArn(parts: Omit<ArnParts, 'partition'> & { partition?: string }): string {
  return `arn:${parts.partition ?? 'aws'}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

/**
 * The parts of an ARN, or undefined when it is not one. The resource is everything after the
 * fifth colon, colons and slashes included; region and account may be empty (global resources).
 */
export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(':');
  if (!partition || !service || !resource) return undefined;
  return { partition, service, region, account, resource };
}
