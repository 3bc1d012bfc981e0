// A client on the AWS SDK for Go v2, run by go-sdk.e2e.spec.ts: it drives Spate through the SDK's
// own serializers, waiters, paginators, typed errors and event-stream reader, and prints one JSON
// line per step for the spec to check.
//
//	go run . <plain endpoint> <TLS endpoint>
//
// The TLS endpoint's certificate is trusted through SSL_CERT_FILE, as the README says.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// protocols remembers the HTTP version of every answer, by operation target.
type protocols struct {
	inner aws.HTTPClient
	mu    sync.Mutex
	seen  map[string]string
}

func (p *protocols) Do(req *http.Request) (*http.Response, error) {
	res, err := p.inner.Do(req)
	if err == nil {
		p.mu.Lock()
		p.seen[req.Header.Get("X-Amz-Target")] = res.Proto
		p.mu.Unlock()
	}
	return res, err
}

func (p *protocols) of(target string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen["Kinesis_20131202."+target]
}

func client(endpoint string, seen *protocols) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region:           "eu-west-1",
		EndpointResolver: kinesis.EndpointResolverFromURL(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDGOSDK", "secret", ""),
		HTTPClient:       seen,
		RetryMaxAttempts: 1,
	})
}

func report(step string, value interface{}) {
	line, err := json.Marshal(map[string]interface{}{"step": step, "value": value})
	if err != nil {
		fail(step, err)
	}
	fmt.Println(string(line))
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", step, err)
	os.Exit(1)
}

func must(step string, err error) {
	if err != nil {
		fail(step, err)
	}
}

// errorCode is what the SDK made of an error answer: the modeled type's code, or the generic one.
func errorCode(err error) string {
	var notFound *types.ResourceNotFoundException
	if errors.As(err, &notFound) {
		return "typed:" + notFound.ErrorCode()
	}
	var inUse *types.ResourceInUseException
	if errors.As(err, &inUse) {
		return "typed:" + inUse.ErrorCode()
	}
	var invalid *types.InvalidArgumentException
	if errors.As(err, &invalid) {
		return "typed:" + invalid.ErrorCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		return "generic:" + api.ErrorCode()
	}
	if err == nil {
		return "none"
	}
	return "unparsed:" + err.Error()
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	plainSeen := &protocols{inner: awshttp.NewBuildableClient(), seen: map[string]string{}}
	tlsSeen := &protocols{inner: awshttp.NewBuildableClient(), seen: map[string]string{}}
	plain := client(os.Args[1], plainSeen)
	secure := client(os.Args[2], tlsSeen)
	stream := aws.String("go-sdk")

	_, err := plain.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: stream, ShardCount: aws.Int32(2)})
	must("CreateStream", err)
	described, err := kinesis.NewStreamExistsWaiter(plain, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = 200 * time.Millisecond
	}).WaitForOutput(ctx, &kinesis.DescribeStreamInput{StreamName: stream}, 30*time.Second)
	must("StreamExists waiter", err)
	description := described.StreamDescription
	report("described", map[string]interface{}{
		"status": description.StreamStatus, "arn": aws.ToString(description.StreamARN), "shards": len(description.Shards),
		"retentionHours": aws.ToInt32(description.RetentionPeriodHours), "created": description.StreamCreationTimestamp.Unix(),
		"protocol": plainSeen.of("DescribeStream"),
	})

	binary := []byte{0, 1, 2, 0xfe, 0xff}
	putMany, err := plain.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: stream, Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("low"), ExplicitHashKey: aws.String("0"), Data: binary},
		{PartitionKey: aws.String("high"), ExplicitHashKey: aws.String("340282366920938463463374607431768211455"), Data: []byte("to the last shard")},
	}})
	must("PutRecords", err)
	first := putMany.Records[0]
	followed, err := plain.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName: stream, PartitionKey: aws.String("low"), ExplicitHashKey: aws.String("0"), Data: []byte("second"),
		SequenceNumberForOrdering: first.SequenceNumber,
	})
	must("PutRecord", err)
	report("put", map[string]interface{}{
		"failed": aws.ToInt32(putMany.FailedRecordCount), "shards": []string{aws.ToString(first.ShardId), aws.ToString(putMany.Records[1].ShardId), aws.ToString(followed.ShardId)},
		"sequenceNumbers": []string{aws.ToString(first.SequenceNumber), aws.ToString(followed.SequenceNumber)},
	})

	var shardIds []string
	// ListShards pages by NextToken alone: the token names the stream.
	pageCount := 0
	input := &kinesis.ListShardsInput{StreamName: stream, MaxResults: aws.Int32(1)}
	for {
		page, err := plain.ListShards(ctx, input)
		must("ListShards page", err)
		pageCount++
		for _, shard := range page.Shards {
			shardIds = append(shardIds, aws.ToString(shard.ShardId))
		}
		if page.NextToken == nil {
			break
		}
		input = &kinesis.ListShardsInput{NextToken: page.NextToken, MaxResults: aws.Int32(1)}
	}
	report("listed", map[string]interface{}{"pages": pageCount, "shardIds": shardIds})

	iterator, err := plain.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName: stream, ShardId: first.ShardId, ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: first.SequenceNumber,
	})
	must("GetShardIterator", err)
	got, err := plain.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iterator.ShardIterator})
	must("GetRecords", err)
	var read []map[string]interface{}
	for _, record := range got.Records {
		read = append(read, map[string]interface{}{
			"sequenceNumber": aws.ToString(record.SequenceNumber), "partitionKey": aws.ToString(record.PartitionKey), "data": record.Data,
			"arrivedSecondsAgo": time.Since(aws.ToTime(record.ApproximateArrivalTimestamp)).Seconds(),
		})
	}
	report("read", map[string]interface{}{"records": read, "millisBehindLatest": aws.ToInt64(got.MillisBehindLatest), "next": got.NextShardIterator != nil})

	_, err = plain.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("no-such-stream")})
	notFound := errorCode(err)
	_, err = plain.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("bm90IGFuIGl0ZXJhdG9y")})
	garbage := errorCode(err)
	_, err = plain.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bad name!"), ShardCount: aws.Int32(1)})
	badName := errorCode(err)
	report("errors", map[string]string{"notFound": notFound, "garbageIterator": garbage, "badName": badName})

	registered, err := secure.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: description.StreamARN, ConsumerName: aws.String("go-consumer")})
	must("RegisterStreamConsumer", err)
	consumerArn := registered.Consumer.ConsumerARN
	for {
		consumer, err := secure.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: consumerArn})
		must("DescribeStreamConsumer", err)
		if consumer.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	subscription, err := secure.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN: consumerArn, ShardId: first.ShardId, StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon},
	})
	must("SubscribeToShard", err)
	events := subscription.GetStream()
	_, err = secure.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN: consumerArn, ShardId: first.ShardId, StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest},
	})
	second := errorCode(err)

	var pushed []map[string]interface{}
	var continuation string
	pushedAfterSubscribing := false
	for len(pushed) < 3 {
		event, open := <-events.Events()
		if !open {
			fail("SubscribeToShard events", fmt.Errorf("the stream ended early: %v", events.Err()))
		}
		shardEvent, ok := event.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
		if !ok {
			fail("SubscribeToShard events", fmt.Errorf("unexpected event %T", event))
		}
		for _, record := range shardEvent.Value.Records {
			pushed = append(pushed, map[string]interface{}{"sequenceNumber": aws.ToString(record.SequenceNumber), "data": record.Data})
		}
		continuation = aws.ToString(shardEvent.Value.ContinuationSequenceNumber)
		if len(pushed) == 2 && !pushedAfterSubscribing {
			// Both earlier records came from the log; this one is appended while subscribed.
			pushedAfterSubscribing = true
			_, err := plain.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: stream, PartitionKey: aws.String("low"), ExplicitHashKey: aws.String("0"), Data: []byte("pushed")})
			must("PutRecord while subscribed", err)
		}
	}
	must("closing the subscription", events.Close())
	report("subscribed", map[string]interface{}{
		"protocol": tlsSeen.of("SubscribeToShard"), "records": pushed, "continuation": continuation, "second": second,
	})

	sweep(ctx, plain, stream)

	_, err = secure.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: consumerArn})
	must("DeregisterStreamConsumer", err)
	_, err = plain.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: stream, EnforceConsumerDeletion: aws.Bool(true)})
	must("DeleteStream", err)
	report("done", true)
}

// sweep calls the operations of this SDK's Kinesis model that the steps above did not, each with
// valid input, so that every answer goes through the SDK's deserializer for its shape; it reports
// what each call found.
func sweep(ctx context.Context, c *kinesis.Client, stream *string) {
	found := map[string]interface{}{}
	call := func(op string, err error, value interface{}) {
		if err != nil {
			found[op] = "error: " + err.Error()
			return
		}
		// A value read from the answer comes as a function: the answer is nil after an error.
		if read, ok := value.(func() interface{}); ok {
			value = read()
		}
		found[op] = value
	}
	waitActive := func() {
		for i := 0; i < 200; i++ {
			out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: stream})
			must("DescribeStreamSummary", err)
			if out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		fail("waiting for ACTIVE", errors.New("the stream stayed busy"))
	}

	listed, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(10)})
	call("ListStreams", err, func() interface{} {
		return map[string]interface{}{"names": listed.StreamNames, "more": aws.ToBool(listed.HasMoreStreams)}
	})
	limits, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	call("DescribeLimits", err, func() interface{} {
		return map[string]interface{}{"shardLimit": aws.ToInt32(limits.ShardLimit), "openShards": aws.ToInt32(limits.OpenShardCount)}
	})
	summary, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: stream})
	call("DescribeStreamSummary", err, func() interface{} {
		return map[string]interface{}{"consumers": aws.ToInt32(summary.StreamDescriptionSummary.ConsumerCount), "openShards": aws.ToInt32(summary.StreamDescriptionSummary.OpenShardCount)}
	})
	consumers, err := c.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: summary.StreamDescriptionSummary.StreamARN})
	call("ListStreamConsumers", err, func() interface{} { return len(consumers.Consumers) })

	_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: stream, Tags: map[string]string{"team": "go", "tier": "test"}})
	call("AddTagsToStream", err, "ok")
	_, err = c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: stream, TagKeys: []string{"tier"}})
	call("RemoveTagsFromStream", err, "ok")
	tags, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: stream})
	call("ListTagsForStream", err, func() interface{} {
		var pairs []string
		for _, tag := range tags.Tags {
			pairs = append(pairs, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		return pairs
	})

	_, err = c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: stream, RetentionPeriodHours: aws.Int32(48)})
	call("IncreaseStreamRetentionPeriod", err, "ok")
	_, err = c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: stream, RetentionPeriodHours: aws.Int32(36)})
	call("DecreaseStreamRetentionPeriod", err, "ok")
	monitored, err := c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: stream, ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes}})
	call("EnableEnhancedMonitoring", err, func() interface{} { return monitored.DesiredShardLevelMetrics })
	unmonitored, err := c.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{StreamName: stream, ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes}})
	call("DisableEnhancedMonitoring", err, func() interface{} { return unmonitored.DesiredShardLevelMetrics })
	_, err = c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: stream, EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")})
	call("StartStreamEncryption", err, "ok")
	waitActive()
	_, err = c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{StreamName: stream, EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")})
	call("StopStreamEncryption", err, "ok")
	waitActive()

	// Shard 0 holds the records written above; splitting it closes it with two children.
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: stream, ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("85070591730234615865843651857942052864")})
	call("SplitShard", err, "ok")
	waitActive()
	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: stream, ShardToMerge: aws.String("shardId-000000000002"), AdjacentShardToMerge: aws.String("shardId-000000000003")})
	call("MergeShards", err, "ok")
	waitActive()
	resized, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: stream, TargetShardCount: aws.Int32(4), ScalingType: types.ScalingTypeUniformScaling})
	call("UpdateShardCount", err, func() interface{} {
		return map[string]int32{"current": aws.ToInt32(resized.CurrentShardCount), "target": aws.ToInt32(resized.TargetShardCount)}
	})
	waitActive()
	_, err = c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: summary.StreamDescriptionSummary.StreamARN, StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	call("UpdateStreamMode", err, "ok")
	waitActive()

	// The closed parent ends with its children named, and no next iterator.
	iterator, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: stream, ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	must("GetShardIterator of the closed shard", err)
	next := iterator.ShardIterator
	var children []string
	read := 0
	for i := 0; next != nil && i < 10; i++ {
		out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: next})
		must("GetRecords of the closed shard", err)
		read += len(out.Records)
		for _, child := range out.ChildShards {
			children = append(children, aws.ToString(child.ShardId))
		}
		next = out.NextShardIterator
	}
	found["closedShard"] = map[string]interface{}{"read": read, "children": children, "ended": next == nil}

	described, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: stream})
	call("DescribeStream", err, func() interface{} {
		d := described.StreamDescription
		var closed []string
		for _, shard := range d.Shards {
			if shard.SequenceNumberRange.EndingSequenceNumber != nil {
				closed = append(closed, aws.ToString(shard.ShardId))
			}
		}
		return map[string]interface{}{
			"shards": len(d.Shards), "closed": closed, "retentionHours": aws.ToInt32(d.RetentionPeriodHours), "mode": d.StreamModeDetails.StreamMode,
			"encryption": d.EncryptionType, "metrics": len(d.EnhancedMonitoring),
		}
	})
	report("sweep", found)
}
