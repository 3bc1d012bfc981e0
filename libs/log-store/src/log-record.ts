export interface LogRecordInput {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
}

export interface LogRecord extends LogRecordInput {
  offset: number;
  arrivalMs: number;
}
