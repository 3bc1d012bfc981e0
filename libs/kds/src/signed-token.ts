import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque tokens Spate hands to clients (shard iterators, ListShards NextTokens): a kind byte, a
 * payload, and an HMAC-SHA256 over both with the cluster secret, in base64. Any gateway holding the
 * secret can check one without state; the kind byte keeps one kind from passing for another.
 */
export enum TokenKind {
  ShardIterator = 1,
  ListShardsNextToken = 2,
}

const MAC_LENGTH = 32;

export function signToken(secret: Buffer, kind: TokenKind, payload: Buffer): string {
  const body = Buffer.concat([Buffer.of(kind), payload]);
  return Buffer.concat([body, mac(secret, body)]).toString('base64');
}

/** The payload of a token of that kind signed with `secret`, or undefined for anything else. */
export function verifyToken(secret: Buffer, kind: TokenKind, token: string): Buffer | undefined {
  const bytes = Buffer.from(token, 'base64');
  if (bytes.length < 1 + MAC_LENGTH || bytes[0] !== kind) return undefined;
  const body = bytes.subarray(0, bytes.length - MAC_LENGTH);
  if (!timingSafeEqual(mac(secret, body), bytes.subarray(bytes.length - MAC_LENGTH))) return undefined;
  return body.subarray(1);
}

function mac(secret: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}
