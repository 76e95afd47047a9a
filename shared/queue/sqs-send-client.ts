// The seam between the log sink and SQS: the calls and shapes it needs, in the SDK's names, apart from
// any one client that implements them.

export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
}

export interface SendMessageOutput {
  MessageId?: string;
}

export interface SendMessageBatchInput {
  QueueUrl: string;
  Entries: { Id: string; MessageBody: string }[];
}

/** One entry SQS did not take (BatchResultErrorEntry). */
export interface BatchResultErrorEntry {
  Id: string;
  Code: string;
  Message?: string;
  SenderFault: boolean;
}

export interface SendMessageBatchOutput {
  Successful: { Id: string; MessageId: string }[];
  Failed: BatchResultErrorEntry[];
}

/** The two SQS calls the log sink makes (log-sink.ts); LeanSqsClient (lean-sqs-client.ts) implements them. */
export interface SqsSendClient {
  sendMessage(input: SendMessageInput): Promise<SendMessageOutput>;
  sendMessageBatch(input: SendMessageBatchInput): Promise<SendMessageBatchOutput>;
}
