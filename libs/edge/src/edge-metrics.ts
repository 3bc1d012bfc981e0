import type { KinesisRecordList } from '@spate/kds';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

interface PutRecordsLike {
  StreamName?: string;
  StreamARN?: string;
  Data?: Buffer;
  Records?: Array<{ Data: Buffer }>;
}

/**
 * Prometheus metrics of the edge, named after the CloudWatch metrics Kinesis users already watch
 * (IncomingRecords, IncomingBytes, GetRecords.Records, ...), labelled by stream.
 */
export class EdgeMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'spate_requests_total', help: 'AWS API requests by service and operation.', labelNames: ['service', 'operation'], registers: [this.registry] });
  private readonly incomingRecords = new Counter({ name: 'spate_kinesis_incoming_records_total', help: 'Records put (IncomingRecords).', labelNames: ['stream'], registers: [this.registry] });
  private readonly incomingBytes = new Counter({ name: 'spate_kinesis_incoming_bytes_total', help: 'Data bytes put (IncomingBytes).', labelNames: ['stream'], registers: [this.registry] });
  private readonly getRecords = new Counter({ name: 'spate_kinesis_get_records_records_total', help: 'Records returned by GetRecords (GetRecords.Records).', registers: [this.registry] });
  private readonly getRecordsBytes = new Counter({ name: 'spate_kinesis_get_records_bytes_total', help: 'Data bytes returned by GetRecords (GetRecords.Bytes).', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'spate_' });
  }

  observeKinesis(operation: string, input: unknown, output: unknown): void {
    this.requests.inc({ service: 'kinesis', operation });
    const request = input as PutRecordsLike;
    const stream = request.StreamName ?? request.StreamARN?.split('/').pop() ?? '';
    if (operation === 'PutRecord' && request.Data) {
      this.incomingRecords.inc({ stream });
      this.incomingBytes.inc({ stream }, request.Data.length);
    } else if (operation === 'PutRecords' && request.Records) {
      const failed = (output as { FailedRecordCount?: number }).FailedRecordCount ?? 0;
      let bytes = 0;
      for (const record of request.Records) bytes += record.Data.length;
      this.incomingRecords.inc({ stream }, request.Records.length - failed);
      this.incomingBytes.inc({ stream }, bytes);
    } else if (operation === 'GetRecords') {
      // The records are a list that writes itself to the wire; it knows its count and data bytes.
      const { Records } = output as { Records: KinesisRecordList };
      this.getRecords.inc(Records.length);
      this.getRecordsBytes.inc(Records.dataBytes);
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
