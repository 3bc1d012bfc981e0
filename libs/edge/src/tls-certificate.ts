import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@spate/config';
import { generate } from 'selfsigned';

export interface TlsCertificate {
  cert: Buffer;
  key: Buffer;
  /** Where the certificate is, so users can trust it. */
  certFile: string;
  generated: boolean;
}

/**
 * The HTTPS endpoint's certificate: the files the user configured, or a self-signed certificate
 * for localhost, 127.0.0.1, ::1 and this machine's name, generated once and kept in `dir` so
 * that clients trust it once.
 */
export async function loadTlsCertificate(options: { certFile: string; keyFile: string; dir: string }): Promise<TlsCertificate> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new ConfigError(['SPATE_TLS_CERT_FILE and SPATE_TLS_KEY_FILE must be set together']);
    const [cert, key] = await Promise.all([readRequired(options.certFile, 'SPATE_TLS_CERT_FILE'), readRequired(options.keyFile, 'SPATE_TLS_KEY_FILE')]);
    return { cert, key, certFile: options.certFile, generated: false };
  }
  const certFile = path.join(options.dir, 'cert.pem');
  const keyFile = path.join(options.dir, 'key.pem');
  try {
    return { cert: await fs.readFile(certFile), key: await fs.readFile(keyFile), certFile, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: os.hostname() },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await fs.mkdir(options.dir, { recursive: true });
  await writeAtomically(keyFile, pems.private, 0o600);
  await writeAtomically(certFile, pems.cert, 0o644);
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), certFile, generated: true };
}

async function readRequired(file: string, setting: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new ConfigError([`${setting}=${JSON.stringify(file)} cannot be read: ${(error as Error).message}`]);
  }
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, content, { mode });
  await fs.rename(temporary, file);
}
