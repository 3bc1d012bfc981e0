import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { BROKER_PROTO_FILE, PROTO_ROOT, SPATE_BROKER_V1_PACKAGE_NAME } from '@spate/proto';

/** Records up to 10 MiB and GetRecords answers up to 10 MiB, plus framing. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The one gRPC configuration of the broker service, shared by its server and its clients. */
export function brokerGrpcOptions(url: string): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url,
      package: SPATE_BROKER_V1_PACKAGE_NAME,
      protoPath: BROKER_PROTO_FILE,
      loader: { includeDirs: [PROTO_ROOT], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true },
      maxReceiveMessageLength: MAX_MESSAGE_BYTES,
      maxSendMessageLength: MAX_MESSAGE_BYTES,
    },
  };
}
