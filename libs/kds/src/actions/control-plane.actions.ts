import { addTagsToStream } from './add-tags-to-stream.action';
import { createStream } from './create-stream.action';
import { decreaseStreamRetentionPeriod } from './decrease-stream-retention-period.action';
import { deleteResourcePolicy } from './delete-resource-policy.action';
import { deleteStream } from './delete-stream.action';
import { deregisterStreamConsumer } from './deregister-stream-consumer.action';
import { describeAccountSettings } from './describe-account-settings.action';
import { describeLimits } from './describe-limits.action';
import { describeStreamConsumer } from './describe-stream-consumer.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { disableEnhancedMonitoring } from './disable-enhanced-monitoring.action';
import { enableEnhancedMonitoring } from './enable-enhanced-monitoring.action';
import { getResourcePolicy } from './get-resource-policy.action';
import { increaseStreamRetentionPeriod } from './increase-stream-retention-period.action';
import { listStreamConsumers } from './list-stream-consumers.action';
import { listStreams } from './list-streams.action';
import { listTagsForResource } from './list-tags-for-resource.action';
import { listTagsForStream } from './list-tags-for-stream.action';
import { putResourcePolicy } from './put-resource-policy.action';
import { registerStreamConsumer } from './register-stream-consumer.action';
import { removeTagsFromStream } from './remove-tags-from-stream.action';
import { startStreamEncryption } from './start-stream-encryption.action';
import { stopStreamEncryption } from './stop-stream-encryption.action';
import { tagResource } from './tag-resource.action';
import { untagResource } from './untag-resource.action';
import { updateAccountSettings } from './update-account-settings.action';
import { updateMaxRecordSize } from './update-max-record-size.action';
import { updateStreamMode } from './update-stream-mode.action';
import { updateStreamWarmThroughput } from './update-stream-warm-throughput.action';

/**
 * The stream-metadata operations of Kinesis Data Streams, by operation name. The data-plane
 * operations are in `dataPlaneActions`; the edge serves the union of both tables.
 */
export const controlPlaneActions = {
  AddTagsToStream: addTagsToStream,
  CreateStream: createStream,
  DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod,
  DeleteResourcePolicy: deleteResourcePolicy,
  DeleteStream: deleteStream,
  DeregisterStreamConsumer: deregisterStreamConsumer,
  DescribeAccountSettings: describeAccountSettings,
  DescribeLimits: describeLimits,
  DescribeStreamConsumer: describeStreamConsumer,
  DescribeStreamSummary: describeStreamSummary,
  DisableEnhancedMonitoring: disableEnhancedMonitoring,
  EnableEnhancedMonitoring: enableEnhancedMonitoring,
  GetResourcePolicy: getResourcePolicy,
  IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod,
  ListStreamConsumers: listStreamConsumers,
  ListStreams: listStreams,
  ListTagsForResource: listTagsForResource,
  ListTagsForStream: listTagsForStream,
  PutResourcePolicy: putResourcePolicy,
  RegisterStreamConsumer: registerStreamConsumer,
  RemoveTagsFromStream: removeTagsFromStream,
  StartStreamEncryption: startStreamEncryption,
  StopStreamEncryption: stopStreamEncryption,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAccountSettings: updateAccountSettings,
  UpdateMaxRecordSize: updateMaxRecordSize,
  UpdateStreamMode: updateStreamMode,
  UpdateStreamWarmThroughput: updateStreamWarmThroughput,
};
