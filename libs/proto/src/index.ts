import * as path from 'node:path';

export * from './generated/spate/broker/v1/broker';

/**
 * Root of the .proto sources, for the gRPC loaders. Builds copy `libs/proto/proto` next to the
 * compiled `src`, so the same relative path holds in the source tree and in dist.
 */
export const PROTO_ROOT = path.join(__dirname, '..', 'proto');
export const BROKER_PROTO_FILE = 'spate/broker/v1/broker.proto';
