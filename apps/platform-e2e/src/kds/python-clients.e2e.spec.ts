import { spawnSync } from 'node:child_process';
import { startAllInOne, tempDataDir, type RunningSpate } from '@spate/testing';

/**
 * The AWS CLI and boto3 speak JSON 1.1 over HTTP/1.1 with keep-alive, and botocore parses every
 * response against the service model: a shape error anywhere shows up here.
 */
function requireTool(command: string, args: string[], install: string): void {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${install} (${probe.stderr || probe.error})`);
}

const credentials = { AWS_ACCESS_KEY_ID: '123456789012', AWS_SECRET_ACCESS_KEY: 'secret', AWS_DEFAULT_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true' };

describe('AWS CLI and boto3', () => {
  const data = tempDataDir();
  let spate: RunningSpate;

  beforeAll(async () => {
    requireTool('aws', ['--version'], 'install the AWS CLI (pip install awscli)');
    requireTool('python3', ['-c', 'import boto3'], 'install boto3 (pip install boto3)');
    spate = await startAllInOne(data.dir);
  });

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  const aws = (...args: string[]) => {
    const result = spawnSync('aws', ['--endpoint-url', spate.endpoint, '--output', 'json', 'kinesis', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...credentials },
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(`aws kinesis ${args.join(' ')}: ${result.stderr}`);
    return result.stdout ? JSON.parse(result.stdout) : undefined;
  };

  it('runs the everyday CLI commands', () => {
    aws('create-stream', '--stream-name', 'cli', '--shard-count', '2');
    aws('wait', 'stream-exists', '--stream-name', 'cli');
    const summary = aws('describe-stream-summary', '--stream-name', 'cli').StreamDescriptionSummary;
    expect(summary).toMatchObject({ StreamName: 'cli', StreamStatus: 'ACTIVE', OpenShardCount: 2, StreamARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/cli' });
    const put = aws('put-record', '--stream-name', 'cli', '--partition-key', 'pk', '--data', 'aGVsbG8gY2xp');
    const iterator = aws('get-shard-iterator', '--stream-name', 'cli', '--shard-id', put.ShardId, '--shard-iterator-type', 'TRIM_HORIZON').ShardIterator;
    const records = aws('get-records', '--shard-iterator', iterator).Records;
    expect(records).toHaveLength(1);
    expect(records[0].SequenceNumber).toBe(put.SequenceNumber);
    expect(typeof records[0].ApproximateArrivalTimestamp).toBe('number');
    expect(aws('list-shards', '--stream-name', 'cli').Shards).toHaveLength(2);
    expect(aws('list-streams').StreamNames).toEqual(['cli']);
    aws('delete-stream', '--stream-name', 'cli');
  });

  it('works with boto3, including pagination and binary data', () => {
    const script = `
import boto3, json, sys, datetime
k = boto3.client('kinesis', endpoint_url=sys.argv[1])
k.create_stream(StreamName='boto', ShardCount=3)
k.get_waiter('stream_exists').wait(StreamName='boto', WaiterConfig={'Delay': 0.1})
payloads = [bytes([i % 256]) * (i + 1) for i in range(200)]
out = k.put_records(StreamName='boto', Records=[{'Data': p, 'PartitionKey': str(i)} for i, p in enumerate(payloads)])
assert out['FailedRecordCount'] == 0, out
# As on AWS, a NextToken cannot travel with the StreamName (botocore's list_shards paginator sends
# both), so pages after the first carry the token alone.
shards, page = [], k.list_shards(StreamName='boto', MaxResults=1)
while True:
    shards += page['Shards']
    if 'NextToken' not in page:
        break
    page = k.list_shards(NextToken=page['NextToken'], MaxResults=1)
assert len(shards) == 3, shards
got = []
for shard in shards:
    it = k.get_shard_iterator(StreamName='boto', ShardId=shard['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
    while it:
        page = k.get_records(ShardIterator=it, Limit=7)
        for r in page['Records']:
            assert isinstance(r['ApproximateArrivalTimestamp'], datetime.datetime)
            got.append(r['Data'])
        if not page['Records']:
            break
        it = page['NextShardIterator']
print(json.dumps({'put': len(payloads), 'got': len(got), 'same': sorted(got) == sorted(payloads)}))
`;
    const result = spawnSync('python3', ['-c', script, spate.endpoint], { encoding: 'utf8', env: { ...process.env, ...credentials }, timeout: 60_000 });
    if (result.status !== 0) throw new Error(result.stderr);
    expect(JSON.parse(result.stdout)).toEqual({ put: 200, got: 200, same: true });
  });

  it('subscribes to a shard with boto3 (which insists on the initial-response event)', () => {
    const script = `
import boto3, json, sys, time
k = boto3.client('kinesis', endpoint_url=sys.argv[1])
k.create_stream(StreamName='efo', ShardCount=1)
k.get_waiter('stream_exists').wait(StreamName='efo', WaiterConfig={'Delay': 0.1})
arn = k.describe_stream_summary(StreamName='efo')['StreamDescriptionSummary']['StreamARN']
consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName='py')['Consumer']
while k.describe_stream_consumer(ConsumerARN=consumer['ConsumerARN'])['ConsumerDescription']['ConsumerStatus'] != 'ACTIVE':
    time.sleep(0.05)
sent = [k.put_record(StreamName='efo', PartitionKey='p', Data=b'efo-%d' % i)['SequenceNumber'] for i in range(3)]
out = k.subscribe_to_shard(ConsumerARN=consumer['ConsumerARN'], ShardId='shardId-000000000000', StartingPosition={'Type': 'TRIM_HORIZON'})
stream = out['EventStream']
got, continuation = [], None
for event in stream:
    e = event['SubscribeToShardEvent']
    got += [(r['SequenceNumber'], r['Data'].decode()) for r in e['Records']]
    continuation = e['ContinuationSequenceNumber']
    if len(got) >= 3:
        break
stream.close()
print(json.dumps({'got': got, 'sent': sent, 'continuation': continuation}))
`;
    const result = spawnSync('python3', ['-c', script, spate.endpoint], { encoding: 'utf8', env: { ...process.env, ...credentials }, timeout: 60_000 });
    if (result.status !== 0) throw new Error(result.stderr);
    const out = JSON.parse(result.stdout) as { got: [string, string][]; sent: string[]; continuation: string };
    expect(out.got).toEqual(out.sent.map((seq, i) => [seq, `efo-${i}`]));
    expect(out.continuation).toBe(out.sent[2]);
  });
});
