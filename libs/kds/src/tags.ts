import { KinesisError } from './kinesis-error';
import type { Tag } from './model/kinesis-shapes';

/** Tags per stream or consumer (AWS: 50). */
export const MAX_TAGS = 50;

/** What a tag operation acts on, as AWS names it in its messages. */
export interface TaggedResource {
  /** `stream orders under account 123456789012` */
  description: string;
  /** `stream` or `consumer` */
  kind: string;
}

export function describeStream(meta: { name: string; account: string }): TaggedResource {
  return { description: `stream ${meta.name} under account ${meta.account}`, kind: 'stream' };
}

export function describeConsumer(consumerName: string, meta: { name: string; account: string }): TaggedResource {
  return { description: `consumer ${consumerName} of stream ${meta.name} under account ${meta.account}`, kind: 'consumer' };
}

// Unicode letters, digits and white space, and _ . : / = + - @; `%` passes the first check but
// AWS then refuses it with a message of its own.
const VALID_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@%]*$/u;

/** Keys AWS keeps for itself, in any letter case (`AWS:`, `Aws:`); only ASCII letters fold. */
const RESERVED_KEY_PREFIX = /^aws:/i;

/**
 * `existing` with `added` merged in (added values win), or InvalidArgumentException as AWS words it.
 * Every operation that adds tags (CreateStream, AddTagsToStream, TagResource,
 * RegisterStreamConsumer) goes through here, so all of them refuse reserved `aws:` keys.
 */
export function withTagsAdded(
  existing: Record<string, string> | undefined,
  added: Record<string, string>,
  resource: TaggedResource,
): Record<string, string> {
  checkCharacters([...Object.keys(added), ...Object.values(added)], `add tags to ${resource.description}`);
  const reserved = Object.keys(added).find((key) => RESERVED_KEY_PREFIX.test(key));
  if (reserved !== undefined) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Tag key '${reserved}' is invalid: keys beginning with 'aws:' are reserved for AWS use.`,
    );
  }
  const merged = { ...existing, ...added };
  if (Object.keys(merged).length > MAX_TAGS) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Failed to add tags to ${resource.description} because a given ${resource.kind} cannot have more than ` +
        `${MAX_TAGS} tags associated with it.`,
    );
  }
  return merged;
}

/**
 * `existing` without `keys`; keys that are not there are ignored, as on AWS. Reserved `aws:` keys
 * may be named here: no caller can have added them, so they are simply absent.
 */
export function withTagsRemoved(
  existing: Record<string, string> | undefined,
  keys: string[],
  resource: TaggedResource,
): Record<string, string> {
  checkCharacters(keys, `remove tags from ${resource.description}`);
  const remaining = { ...existing };
  for (const key of keys) delete remaining[key];
  return remaining;
}

/** The tags as the wire lists them, by key. */
export function tagList(tags: Record<string, string> | undefined): Tag[] {
  return Object.entries(tags ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Key, Value]) => ({ Key, Value }));
}

function checkCharacters(strings: string[], failedTo: string): void {
  if (!strings.every((s) => VALID_CHARACTERS.test(s))) {
    throw new KinesisError(
      'InvalidArgumentException',
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
    );
  }
  if (strings.some((s) => s.includes('%'))) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Failed to ${failedTo} because some tags contained illegal characters. The allowed characters are ` +
        "Unicode letters, white-spaces, '_',',','/','=','+','-','@'.",
    );
  }
}
