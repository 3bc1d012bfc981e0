import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of a shard broker's gRPC service, with the process's own. */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly appendedRecords = new Counter({ name: 'spate_broker_appended_records_total', help: 'Records appended to shard logs.', registers: [this.registry] });
  readonly appendedBytes = new Counter({ name: 'spate_broker_appended_bytes_total', help: 'Data bytes appended to shard logs.', registers: [this.registry] });
  readonly readRecords = new Counter({ name: 'spate_broker_read_records_total', help: 'Records served to readers.', registers: [this.registry] });
  readonly openTails = new Gauge({ name: 'spate_broker_open_tails', help: 'Tail streams open (gateways feeding SubscribeToShard calls).', registers: [this.registry] });
  readonly refusedAppends = new Counter({ name: 'spate_broker_refused_appends_total', help: 'Appends refused because the shard was sealed by a reshard.', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'spate_' });
  }
}
