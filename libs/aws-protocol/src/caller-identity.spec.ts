import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { identifyCaller, type CallerPolicy } from './caller-identity';
import type { EdgeRequest } from './edge-types';
import { ServiceError } from './service-error';

/** The Checksum constructor the SDK's signer expects, over node:crypto. */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data) : data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    return createHmac('sha256', typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array));
  }
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const policy: CallerPolicy = { defaultAccount: '000000000000', defaultRegion: 'us-east-1', credentials: { '123456789012': SECRET, AKIDEXAMPLE: SECRET } };

async function signed(options: { accessKeyId?: string; secret?: string; region?: string; signingDate?: Date; path?: string; body?: string } = {}): Promise<EdgeRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: options.accessKeyId ?? '123456789012', secretAccessKey: options.secret ?? SECRET },
    region: options.region ?? 'eu-west-3',
    service: 'kinesis',
    sha256: Sha256,
  });
  const body = options.body ?? '{"StreamName":"s"}';
  const [path, query] = (options.path ?? '/').split('?');
  const signedRequest = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      port: 4566,
      path,
      query: query === undefined ? {} : Object.fromEntries(new URLSearchParams(query)),
      headers: {
        host: 'localhost:4566',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        'x-amz-user-agent': 'aws-sdk-js   spaced',
      },
      body,
    },
    { signingDate: options.signingDate },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signedRequest.headers)) headers[name.toLowerCase()] = value;
  return { method: 'POST', path: options.path ?? '/', headers, body: Buffer.from(body) };
}

function failure(request: EdgeRequest, callerPolicy = policy): ServiceError {
  try {
    identifyCaller(request, callerPolicy);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).statusCode).toBe(400);
    return error as ServiceError;
  }
  throw new Error('the request was accepted');
}

describe('identifyCaller', () => {
  describe('without credentials to check', () => {
    const open: CallerPolicy = { defaultAccount: '000000000000', defaultRegion: 'us-east-1' };

    it('uses the defaults when there is no Authorization header', () => {
      expect(identifyCaller({ method: 'POST', path: '/', headers: {}, body: Buffer.alloc(0) }, open)).toEqual({ account: '000000000000', region: 'us-east-1' });
    });

    it('takes the region from the scope and a 12-digit access key as the account', async () => {
      expect(identifyCaller(await signed({ accessKeyId: '210987654321', secret: 'anything' }), open)).toEqual({
        account: '210987654321',
        region: 'eu-west-3',
        accessKeyId: '210987654321',
      });
    });

    it('keeps the default account for other access keys, without checking the signature', async () => {
      expect(identifyCaller(await signed({ accessKeyId: 'AKIDEXAMPLE', secret: 'wrong' }), open)).toEqual({
        account: '000000000000',
        region: 'eu-west-3',
        accessKeyId: 'AKIDEXAMPLE',
      });
    });

    it('falls back to the defaults for an unreadable Authorization header', () => {
      const request: EdgeRequest = { method: 'POST', path: '/', headers: { authorization: 'Bearer abc' }, body: Buffer.alloc(0) };
      expect(identifyCaller(request, open)).toEqual({ account: '000000000000', region: 'us-east-1' });
    });
  });

  describe('verifying signatures', () => {
    it('accepts what the SDK signer signs, including a query string', async () => {
      expect(identifyCaller(await signed(), policy)).toEqual({ account: '123456789012', region: 'eu-west-3', accessKeyId: '123456789012' });
      expect(identifyCaller(await signed({ path: '/a%20b/c?z=1&a=x%2Fy&e=', accessKeyId: 'AKIDEXAMPLE' }), policy).account).toBe('000000000000');
    });

    it('answers MissingAuthenticationTokenException without an Authorization header', () => {
      const error = failure({ method: 'POST', path: '/', headers: {}, body: Buffer.alloc(0) });
      expect([error.type, error.message]).toEqual(['MissingAuthenticationTokenException', 'Missing Authentication Token']);
    });

    it('answers IncompleteSignatureException naming what is missing', () => {
      const error = failure({ method: 'POST', path: '/', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e' }, body: Buffer.alloc(0) });
      expect(error.type).toBe('IncompleteSignatureException');
      expect(error.message).toBe(
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=a/b/c/d/e",
      );
    });

    it('answers IncompleteSignatureException for a malformed credential', async () => {
      const request = await signed();
      request.headers.authorization = request.headers.authorization?.replace('Credential=123456789012/', 'Credential=');
      const error = failure(request);
      expect(error.type).toBe('IncompleteSignatureException');
      expect(error.message).toMatch(/^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got '\d{8}\/eu-west-3\/kinesis\/aws4_request'$/);
    });

    it('answers UnrecognizedClientException for an unknown access key', async () => {
      const error = failure(await signed({ accessKeyId: '999999999999' }));
      expect([error.type, error.message]).toEqual(['UnrecognizedClientException', 'The security token included in the request is invalid.']);
    });

    it('does not take inherited object properties for access keys or signed headers', async () => {
      const forged = await signed({ accessKeyId: 'constructor', secret: String(Object) });
      expect(failure(forged).type).toBe('UnrecognizedClientException');
      const request = await signed();
      request.headers.authorization = request.headers.authorization?.replace('SignedHeaders=', 'SignedHeaders=constructor;');
      expect(failure(request).type).toBe('InvalidSignatureException');
    });

    it('answers InvalidSignatureException for a wrong secret or a tampered body', async () => {
      expect(failure(await signed({ secret: 'not-the-secret' })).type).toBe('InvalidSignatureException');
      const tampered = await signed();
      tampered.body = Buffer.from('{"StreamName":"t"}');
      const error = failure(tampered);
      expect(error.type).toBe('InvalidSignatureException');
      expect(error.message).toBe(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    });

    it('answers InvalidSignatureException for a signed header changed in transit', async () => {
      const request = await signed();
      request.headers['x-amz-target'] = 'Kinesis_20131202.DeleteStream';
      expect(failure(request).type).toBe('InvalidSignatureException');
    });

    it('refuses signatures more than five minutes old or ahead', async () => {
      const old = failure(await signed({ signingDate: new Date(Date.now() - 10 * 60 * 1000) }));
      expect(old.type).toBe('InvalidSignatureException');
      expect(old.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
      const ahead = failure(await signed({ signingDate: new Date(Date.now() + 10 * 60 * 1000) }));
      expect(ahead.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
    });
  });
});
