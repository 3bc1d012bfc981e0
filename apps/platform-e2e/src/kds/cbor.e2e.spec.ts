import * as http2 from 'node:http2';
import { startAllInOne, tempDataDir, type RunningSpate } from '@spate/testing';
import { awsCborDecoder as decoder, awsCborEncoder as encoder } from './aws-cbor';

/**
 * CBOR 1.1 is what the Java SDKs (and so the KCL and KPL) send by default: blobs as byte strings,
 * timestamps as tag 1 holding integer epoch milliseconds.
 */

describe('CBOR 1.1', () => {
  const data = tempDataDir();
  let spate: RunningSpate;
  let session: http2.ClientHttp2Session;

  const call = (operation: string, body: unknown): Promise<{ status: number; raw: Buffer; value: any }> =>
    new Promise((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': `Kinesis_20131202.${operation}` });
      const chunks: Buffer[] = [];
      let status = 0;
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        try {
          resolve({ status, raw, value: raw.length ? decoder.decode(raw) : undefined });
        } catch (error) {
          reject(error);
        }
      });
      req.on('error', reject);
      req.end(encoder.encode(body));
    });

  beforeAll(async () => {
    spate = await startAllInOne(data.dir);
    session = http2.connect(spate.endpoint);
  });

  afterAll(async () => {
    session?.close();
    await spate?.stop();
    data.remove();
  });

  it('takes blobs as byte strings and answers timestamps as tag 1 epoch milliseconds', async () => {
    expect((await call('CreateStream', { StreamName: 'cbor', ShardCount: 1 })).status).toBe(200);
    const payload = Buffer.from([0, 1, 2, 250, 255]);
    const before = Date.now();
    const put = await call('PutRecord', { StreamName: 'cbor', PartitionKey: 'k', Data: payload });
    expect(put.status).toBe(200);
    expect(put.value.ShardId).toBe('shardId-000000000000');

    const iterator = await call('GetShardIterator', { StreamName: 'cbor', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(before - 1000) });
    expect(iterator.status).toBe(200);
    const records = await call('GetRecords', { ShardIterator: iterator.value.ShardIterator });
    expect(records.status).toBe(200);
    const [record] = records.value.Records;
    expect(Buffer.from(record.Data)).toEqual(payload);
    expect(record.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(record.ApproximateArrivalTimestamp.getTime()).toBeGreaterThanOrEqual(before - 5);
    // tag 1 (0xc1) followed by an unsigned integer (major type 0), never a float of seconds.
    const at = records.raw.indexOf(Buffer.from('ApproximateArrivalTimestamp'));
    const tag = records.raw[at + 'ApproximateArrivalTimestamp'.length];
    const next = records.raw[at + 'ApproximateArrivalTimestamp'.length + 1];
    expect(tag).toBe(0xc1);
    expect(next >> 5).toBe(0);
  });

  it('answers errors as CBOR maps with __type and message', async () => {
    const missing = await call('DescribeStreamSummary', { StreamName: 'nope' });
    expect(missing.status).toBe(400);
    expect(missing.value).toMatchObject({ __type: 'ResourceNotFoundException' });
    expect(missing.value.message).toContain('nope');
  });

  it('streams SubscribeToShard events with CBOR payloads (the Java SDK\'s default)', async () => {
    await call('CreateStream', { StreamName: 'cbor-efo', ShardCount: 1 });
    const summary = await call('DescribeStreamSummary', { StreamName: 'cbor-efo' });
    const registered = await call('RegisterStreamConsumer', { StreamARN: summary.value.StreamDescriptionSummary.StreamARN, ConsumerName: 'java' });
    expect(registered.status).toBe(200);
    const payload = Buffer.from([9, 8, 7, 0, 255]);
    await call('PutRecord', { StreamName: 'cbor-efo', PartitionKey: 'k', Data: payload });
    const frames = await new Promise<Buffer>((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': 'Kinesis_20131202.SubscribeToShard' });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        chunks.push(c);
        // initial-response and the first event are enough.
        const bytes = Buffer.concat(chunks);
        if (bytes.length >= 8 && bytes.length >= bytes.readUInt32BE(0) + 8 && bytes.length >= bytes.readUInt32BE(0) + bytes.readUInt32BE(bytes.readUInt32BE(0))) {
          req.close();
          resolve(bytes);
        }
      });
      req.on('error', reject);
      req.end(encoder.encode({ ConsumerARN: registered.value.Consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
    });
    const first = frames.readUInt32BE(0);
    const event = frames.subarray(first, first + frames.readUInt32BE(first));
    const headersLength = event.readUInt32BE(4);
    const headers = event.subarray(12, 12 + headersLength).toString('latin1');
    expect(headers).toContain(':content-type\x07\x00\x1aapplication/x-amz-cbor-1.1');
    expect(headers).toContain('SubscribeToShardEvent');
    const body = decoder.decode(event.subarray(12 + headersLength, event.length - 4));
    expect(Buffer.from(body.Records[0].Data)).toEqual(payload);
    expect(body.Records[0].ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(body.ContinuationSequenceNumber).toBe(body.Records[0].SequenceNumber);
  });
});
