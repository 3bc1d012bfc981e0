import { ServiceError } from '@spate/aws-protocol';

/** The error types Kinesis defines in its model, plus the generic ones every JSON service shares. */
export type KinesisErrorType =
  | 'AccessDeniedException'
  | 'ExpiredIteratorException'
  | 'ExpiredNextTokenException'
  | 'InternalFailureException'
  | 'InvalidArgumentException'
  | 'KMSAccessDeniedException'
  | 'KMSDisabledException'
  | 'KMSInvalidStateException'
  | 'KMSNotFoundException'
  | 'KMSOptInRequired'
  | 'KMSThrottlingException'
  | 'LimitExceededException'
  | 'ProvisionedThroughputExceededException'
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'ValidationException';

/** A Kinesis error as a domain value; the edge maps it to `{__type, message}` and its status. */
export class KinesisError extends ServiceError {
  constructor(type: KinesisErrorType, message: string, statusCode = type === 'InternalFailureException' ? 500 : 400) {
    super(type, message, statusCode);
  }
}
