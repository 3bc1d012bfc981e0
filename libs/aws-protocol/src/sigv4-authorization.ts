/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export interface AuthorizationHeader {
  algorithm: string;
  params: Record<string, string>;
}

/** `AKID/20240101/us-east-1/kinesis/aws4_request`, split. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

export function parseAuthorizationHeader(header: string): AuthorizationHeader {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const params: Record<string, string> = {};
  if (space >= 0) {
    for (const part of trimmed.slice(space + 1).split(',')) {
      const equals = part.indexOf('=');
      if (equals > 0) params[part.slice(0, equals).trim()] = part.slice(equals + 1).trim();
    }
  }
  return { algorithm, params };
}

export function parseCredentialScope(credential: string): CredentialScope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[0] === '') return undefined;
  const [accessKeyId, date, region, service, terminator] = parts;
  return { accessKeyId, date, region, service, terminator };
}
