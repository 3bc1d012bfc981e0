import { KinesisError } from './kinesis-error';

/**
 * Pagination tokens: where the next page starts, for which listing, and when the token was issued.
 * AWS documents that NextToken expires after 300 seconds (ExpiredNextTokenException). Tokens are
 * opaque to clients but not secret: they only ever page through the caller's own resources.
 */
export const NEXT_TOKEN_TTL_MS = 300_000;

interface TokenBody {
  /** Which listing, and of what: a token of one listing is refused by another. */
  scope: string;
  /** The last item of the page the token follows. */
  after: string;
  issuedMs: number;
}

export function encodeNextToken(scope: string, after: string, nowMs: number): string {
  const body: TokenBody = { scope, after, issuedMs: nowMs };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The `after` of a token issued for `scope`; InvalidArgumentException or ExpiredNextTokenException otherwise. */
export function decodeNextToken(token: string, scope: string, nowMs: number): string {
  const body = parse(token);
  if (!body || body.scope !== scope) throw new KinesisError('InvalidArgumentException', 'Invalid NextToken.');
  if (nowMs - body.issuedMs > NEXT_TOKEN_TTL_MS) {
    throw new KinesisError('ExpiredNextTokenException', 'The NextToken has expired.');
  }
  return body.after;
}

function parse(token: string): TokenBody | undefined {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    const valid =
      typeof body === 'object' &&
      body !== null &&
      typeof body.scope === 'string' &&
      typeof body.after === 'string' &&
      typeof body.issuedMs === 'number';
    return valid ? (body as TokenBody) : undefined;
  } catch {
    return undefined;
  }
}
