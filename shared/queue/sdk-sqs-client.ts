import {
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import { SqsError } from "./sqs-error.ts";
import type {
  SendMessageBatchInput,
  SendMessageBatchOutput,
  SendMessageInput,
  SendMessageOutput,
  SqsSendClient,
} from "./sqs-send-client.ts";

/**
 * The log sink's two SQS calls on the AWS SDK's SQSClient: the fallback to LeanSqsClient, should the
 * hand-written client ever misbehave (a change in SQS's JSON protocol, a signing edge case). It costs more
 * CPU per call (lean-sqs-client.ts says why the lean one exists) and behaves the same to the log sink:
 * MD5 digests are not checked (`md5: false`, as the lean client), and a service error becomes an SqsError
 * with the code, status and fault the lean client reads from the wire, so the sink's retry and
 * missing-queue decisions (log-sink.ts) do not depend on which client sent. Network errors pass as the SDK
 * throws them (their `code`, `ECONNREFUSED`..., is what the sink's retry reads).
 */
export class SdkSqsClient implements SqsSendClient {
  private readonly client: SQSClient;

  /**
   * `config`: the SDK's own (credentials, region, maxAttempts); `md5` is always off. Off AWS, set `endpoint`
   * to the queue URL's origin: without it the SDK warns on every call that the queue URL's host differs.
   */
  constructor(config: SQSClientConfig = {}) {
    this.client = new SQSClient({ ...config, md5: false });
  }

  /** The SDK client, for tracing (traceAwsClient wraps it in place) and tests. */
  get sdkClient(): SQSClient {
    return this.client;
  }

  async sendMessage(input: SendMessageInput): Promise<SendMessageOutput> {
    const output = await asSqsErrors(this.client.send(new SendMessageCommand(input)));
    return { MessageId: output.MessageId };
  }

  async sendMessageBatch(input: SendMessageBatchInput): Promise<SendMessageBatchOutput> {
    const output = await asSqsErrors(this.client.send(new SendMessageBatchCommand(input)));
    return {
      Successful: (output.Successful ?? []).map((entry) => ({
        Id: entry.Id ?? "",
        MessageId: entry.MessageId ?? "",
      })),
      Failed: (output.Failed ?? []).map((entry) => ({
        Id: entry.Id ?? "",
        Code: entry.Code ?? "",
        ...(entry.Message !== undefined ? { Message: entry.Message } : {}),
        SenderFault: entry.SenderFault ?? false,
      })),
    };
  }

  destroy(): void {
    this.client.destroy();
  }
}

/** The call's result; a service error rethrown as the SqsError the lean client would throw. */
async function asSqsErrors<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw error instanceof SQSServiceException ? toSqsError(error) : error;
  }
}

/** The SDK's service exception as the lean client reports the same answer (sqs-error.ts). */
function toSqsError(error: SQSServiceException): SqsError {
  const { Code } = error as SQSServiceException & { Code?: unknown };
  return new SqsError(
    error.name,
    error.message,
    error.$metadata.httpStatusCode ?? (error.$fault === "server" ? 500 : 400),
    error.$fault === "client",
    typeof Code === "string" ? Code : undefined,
    error.$metadata.requestId,
  );
}
