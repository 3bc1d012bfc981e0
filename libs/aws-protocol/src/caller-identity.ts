import { timingSafeEqual } from 'node:crypto';
import type { EdgeRequest } from './edge-types';
import { ServiceError } from './service-error';
import { sigV4Signature } from './sigv4';
import { parseAuthorizationHeader, parseCredentialScope, type CredentialScope } from './sigv4-authorization';

export interface CallerIdentity {
  account: string;
  region: string;
  accessKeyId?: string;
}

export interface CallerPolicy {
  defaultAccount: string;
  defaultRegion: string;
  /** accessKeyId → secret. When set, every request must carry a valid SigV4 signature. */
  credentials?: Record<string, string>;
}

/** AWS refuses signatures dated more than five minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Who is calling, from the SigV4 credential scope: the region is the scope's, and the account is
 * the access key id when that is 12 digits (kinesis-mock's convention), else the default. Without
 * `credentials` nothing is checked and a missing or unreadable Authorization header means the
 * defaults. With them, the signature is verified and failures are AWS's errors, all 400 as the
 * JSON services answer them.
 */
export function identifyCaller(request: EdgeRequest, policy: CallerPolicy): CallerIdentity {
  const header = request.headers.authorization;
  if (!policy.credentials) {
    const credential = header === undefined ? undefined : parseAuthorizationHeader(header).params.Credential;
    return identityOf(credential === undefined ? undefined : parseCredentialScope(credential), policy);
  }
  if (header === undefined) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const { algorithm, params } = parseAuthorizationHeader(header);
  const amzDate = request.headers['x-amz-date'] ?? amzDateOf(request.headers.date);
  let missing = '';
  for (const param of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params[param]) missing += `Authorization header requires '${param}' parameter. `;
  }
  if (request.headers['x-amz-date'] === undefined && request.headers.date === undefined) {
    missing += `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. `;
  }
  if (missing) throw new ServiceError('IncompleteSignatureException', `${missing}Authorization=${header}`);
  const scope = parseCredentialScope(params.Credential);
  if (!scope) {
    throw new ServiceError(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${params.Credential}'`,
    );
  }
  // Own properties only: "constructor" must not find Object's, whose source text anyone can sign with.
  const secret = Object.hasOwn(policy.credentials, scope.accessKeyId) ? policy.credentials[scope.accessKeyId] : undefined;
  if (typeof secret !== 'string') throw new ServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    throw new ServiceError('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  if (scope.date !== amzDate.slice(0, 8)) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (algorithm !== 'AWS4-HMAC-SHA256' || !sameSignature(params.Signature, sigV4Signature(request, scope, params.SignedHeaders, amzDate, secret))) {
    throw new ServiceError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  checkClockSkew(amzDate, signedAt, Date.now());
  return identityOf(scope, policy);
}

function identityOf(scope: CredentialScope | undefined, policy: CallerPolicy): CallerIdentity {
  if (!scope) return { account: policy.defaultAccount, region: policy.defaultRegion };
  return {
    account: /^\d{12}$/.test(scope.accessKeyId) ? scope.accessKeyId : policy.defaultAccount,
    region: scope.region || policy.defaultRegion,
    accessKeyId: scope.accessKeyId,
  };
}

function checkClockSkew(amzDate: string, signedAt: number, now: number): void {
  if (signedAt < now - MAX_CLOCK_SKEW_MS) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseAmzDate(amzDate: string): number | undefined {
  const match = AMZ_DATE.exec(amzDate);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** A signature dated by the HTTP Date header signs that instant in the ISO-8601 basic format. */
function amzDateOf(httpDate: string | undefined): string | undefined {
  if (httpDate === undefined) return undefined;
  const millis = Date.parse(httpDate);
  return Number.isNaN(millis) ? httpDate : formatAmzDate(millis);
}

function formatAmzDate(millis: number): string {
  return new Date(millis).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
