/**
 * Stream and consumer ARNs as Kinesis writes them:
 *   arn:aws:kinesis:<region>:<account>:stream/<name>
 *   arn:aws:kinesis:<region>:<account>:stream/<name>/consumer/<consumer>:<creation epoch seconds>
 * The model's patterns for these members are unanchored and loose (a consumer ARN also matches the
 * StreamARN pattern), so the parsers here are the strict check: anything else is not an ARN of
 * that kind.
 */
export interface StreamArnParts {
  /** `aws`, `aws-cn`, `aws-us-gov`... Spate itself always writes `aws`. */
  partition: string;
  region: string;
  account: string;
  name: string;
}

export interface ConsumerArnParts extends StreamArnParts {
  consumerName: string;
  /** The consumer's creation time in whole seconds, which makes each registration's ARN distinct. */
  creationEpochSeconds: number;
}

const NAME = '[a-zA-Z0-9_.-]{1,128}';
const PREFIX = `^arn:(aws(?:-[a-z]+)*):kinesis:([a-z0-9-]+):(\\d{12}):stream/(${NAME})`;
const STREAM_ARN = new RegExp(`${PREFIX}$`);
const CONSUMER_ARN = new RegExp(`${PREFIX}/consumer/(${NAME}):(\\d{1,15})$`);

export function formatStreamArn(parts: { region: string; account: string; name: string }): string {
  return `arn:aws:kinesis:${parts.region}:${parts.account}:stream/${parts.name}`;
}

export function formatConsumerArn(streamArn: string, consumerName: string, createdMs: number): string {
  return `${streamArn}/consumer/${consumerName}:${Math.floor(createdMs / 1000)}`;
}

export function parseStreamArn(arn: string): StreamArnParts | undefined {
  const match = STREAM_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  return { partition, region, account, name };
}

export function parseConsumerArn(arn: string): ConsumerArnParts | undefined {
  const match = CONSUMER_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name, consumerName, seconds] = match;
  return { partition, region, account, name, consumerName, creationEpochSeconds: Number(seconds) };
}
