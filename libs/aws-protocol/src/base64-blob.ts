import { ServiceError } from './service-error';

const NOT_BASE64 = /[^A-Za-z0-9+/=]|=[^=]/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes a JSON blob member strictly, with AWS's SerializationException messages (typo
 * included). Node's own decoder silently skips bad characters and accepts URL-safe base64, so
 * the text is checked first: length, alphabet, padding only at the end, and no stray bits in
 * the last character before the padding.
 */
export function decodeBase64Blob(text: string): Buffer {
  // Fast path: canonical base64 is exactly what re-encoding its bytes gives back, so one native
  // decode and encode check length, alphabet, padding and stray bits at once.
  const decoded = Buffer.from(text, 'base64');
  if (decoded.toString('base64') === text) return decoded;
  const fail = (reason: string) => new ServiceError('SerializationException', `'${text}' can not be converted to a Blob: ${reason}`, 400, 'Message');
  if (text.length % 4 !== 0) throw fail(`Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  const bad = NOT_BASE64.exec(text);
  if (bad) throw fail(`Invalid Base64 character: '${bad[0][0]}'`);
  if (!hasCanonicalEnding(text)) throw fail('Invalid last non-pad Base64 character dectected');
  return decoded;
}

function hasCanonicalEnding(text: string): boolean {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (text.charAt(text.length - padding - 1) === '=') return false;
  if (padding === 0) return true;
  const lastBits = ALPHABET.indexOf(text.charAt(text.length - padding - 1));
  return (lastBits & (padding === 2 ? 0x0f : 0x03)) === 0;
}
