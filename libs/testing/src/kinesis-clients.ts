import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface ClientOptions {
  /** A 12-digit access key id selects that account; anything else uses the server's default. */
  accessKeyId?: string;
  region?: string;
  /** The SDK's default Node handler speaks HTTP/2 (prior knowledge); this forces HTTP/1.1. */
  http1?: boolean;
  /** The SDK's own attempts per call; 1 (no retries) unless a test wants an application's view. */
  maxAttempts?: number;
}

/** A real SDK v3 Kinesis client pointed at Spate, as a user would configure it. */
export function kinesisClient(endpoint: string, options: ClientOptions = {}): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId ?? 'AKIDSPATETEST', secretAccessKey: 'spate-test-secret' },
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}
