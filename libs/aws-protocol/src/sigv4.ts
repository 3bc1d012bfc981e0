import { createHash, createHmac } from 'node:crypto';
import type { EdgeRequest } from './edge-types';
import type { CredentialScope } from './sigv4-authorization';

/**
 * The Signature Version 4 signature a client holding `secret` computes for `request`: HMAC
 * chain over the credential scope, then over the string to sign, whose last line hashes the
 * canonical request (method, URI-encoded path, sorted query, the signed headers, payload hash).
 * The path is encoded once more as the client sees it on the wire, as every service but S3
 * signs it.
 */
export function sigV4Signature(request: EdgeRequest, scope: CredentialScope, signedHeaders: string, amzDate: string, secret: string): string {
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    sha256Hex(canonicalRequest(request, signedHeaders)),
  ].join('\n');
  let key = hmac(`AWS4${secret}`, scope.date);
  key = hmac(key, scope.region);
  key = hmac(key, scope.service);
  key = hmac(key, 'aws4_request');
  return hmac(key, stringToSign).toString('hex');
}

function canonicalRequest(request: EdgeRequest, signedHeaders: string): string {
  const query = request.path.indexOf('?');
  const path = query < 0 ? request.path : request.path.slice(0, query);
  const names = signedHeaders.split(';');
  const payloadHash = request.headers['x-amz-content-sha256'] === 'UNSIGNED-PAYLOAD' ? 'UNSIGNED-PAYLOAD' : sha256Hex(request.body);
  return [
    request.method,
    canonicalPath(path),
    canonicalQuery(query < 0 ? '' : request.path.slice(query + 1)),
    names.map((name) => `${name}:${headerValue(request, name).trim().replace(/\s+/g, ' ')}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');
}

/**
 * Over HTTP/2 the JS SDK signs `:authority` in place of `host`; they carry the same value. The
 * names come from the client, so only the request's own headers count ("constructor" is not one).
 */
function headerValue(request: EdgeRequest, name: string): string {
  const own = (key: string) => (Object.hasOwn(request.headers, key) ? request.headers[key] : undefined);
  return own(name) ?? (name === ':authority' ? own('host') : undefined) ?? '';
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(encodeRfc3986(segment));
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

function canonicalQuery(query: string): string {
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      return [encodeRfc3986(decode(key)), encodeRfc3986(decode(value))];
    })
    .sort(([keyA, valueA], [keyB, valueB]) => (keyA < keyB ? -1 : keyA > keyB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
