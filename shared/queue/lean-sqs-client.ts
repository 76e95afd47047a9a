import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { type AwsCallTrace, startAwsCallTrace } from "../aws/aws-call-trace.ts";
import { backoffMs, DEFAULT_MAX_ATTEMPTS, retryKind } from "../aws/aws-retry.ts";
import { CredentialCache } from "../aws/credential-cache.ts";
import { SigV4Signer } from "../aws/sigv4.ts";
import { parseSqsError, SqsError } from "./sqs-error.ts";
import type {
  SendMessageBatchInput,
  SendMessageBatchOutput,
  SendMessageInput,
  SendMessageOutput,
  SqsSendClient,
} from "./sqs-send-client.ts";

export interface LeanSqsClientOptions {
  /** Default: the SDK's default chain (the Lambda role's credentials from the environment on AWS). */
  credentials?: AwsCredentialIdentityProvider;
  /** Default: AWS_REGION, else the region in the queue URL's host (sqs.{region}.amazonaws.com), else us-east-1. */
  region?: string;
  /** Attempts per call, the first included (default 3, as the SDK). */
  maxAttempts?: number;
  /** How long one attempt may take, connection included, before it is abandoned (and retried). */
  attemptTimeoutMs?: number;
  /** When its tracing is on, each call is an X-Ray subsegment, as traceAwsClient makes for an SDK client. */
  tracer?: Tracer;
}

/**
 * A client for exactly SQS's SendMessage and SendMessageBatch over the AWS JSON 1.0 protocol, for the
 * proxy's hot path (one log event per request). It exists because the SDK's SQSClient spends several times
 * this client's CPU per call on its middleware stack, schema serde, endpoint resolution and @smithy SigV4
 * signing, the largest piece of a proxied request's own CPU in the proxy Lambda's profiles (issue 8; the
 * measurements are in docs/logging.md and docs/benchmarks.md).
 * It keeps what matters from the SDK: SigV4 (shared/aws/sigv4.ts), its standard retries (shared/aws/aws-retry.ts),
 * credential refresh before expiry (shared/aws/credential-cache.ts), X-Ray subsegments, keep-alive
 * connections (node:http, not fetch, which costs more CPU per call), and timeouts.
 *
 * MD5 digests of the bodies (MD5OfMessageBody) are not checked, as the SDK's `md5: false` did not: TLS
 * already protects the body on the wire, and hashing every body twice cost CPU for nothing.
 *
 * The request goes to the queue URL's origin, as the SDK does for a queue URL (https://sqs.{region}.
 * amazonaws.com on AWS; http://127.0.0.1:port or sqs.{region}.localhost:port with a local emulator).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 */
export class LeanSqsClient implements SqsSendClient {
  private readonly credentials: CredentialCache;
  private readonly maxAttempts: number;
  private readonly attemptTimeoutMs: number;
  private readonly tracer: Tracer | undefined;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 50 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 50 });

  constructor(private readonly options: LeanSqsClientOptions = {}) {
    this.credentials = new CredentialCache(options.credentials ?? defaultProvider());
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    // Decided once, as traceAwsClient decides once per client: with tracing off a call costs nothing more.
    this.tracer = options.tracer?.isTracingEnabled() ? options.tracer : undefined;
  }

  async sendMessage(input: SendMessageInput): Promise<SendMessageOutput> {
    const output = await this.call("SendMessage", input.QueueUrl, input, (result) => ({
      message_id: (result as SendMessageOutput | undefined)?.MessageId,
    }));
    return { MessageId: (output as SendMessageOutput).MessageId };
  }

  async sendMessageBatch(input: SendMessageBatchInput): Promise<SendMessageBatchOutput> {
    const output = (await this.call("SendMessageBatch", input.QueueUrl, input, (result) => {
      const batch = result as Partial<SendMessageBatchOutput> | undefined;
      return {
        message_count: input.Entries.length,
        ...(batch
          ? { successful_count: batch.Successful?.length ?? 0, failed_count: batch.Failed?.length ?? 0 }
          : {}),
      };
    })) as Partial<SendMessageBatchOutput>;
    return { Successful: output.Successful ?? [], Failed: output.Failed ?? [] };
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async call(
    operation: "SendMessage" | "SendMessageBatch",
    queueUrl: string,
    input: object,
    traceAttributes: (result: unknown) => Record<string, unknown>,
  ): Promise<unknown> {
    const endpoint = this.endpoint(queueUrl);
    const body = Buffer.from(JSON.stringify(input));
    const trace = this.tracer && startAwsCallTrace(this.tracer, "SQS", operation, endpoint.region);
    let attempt = 0;
    for (;;) {
      attempt++;
      let response: RawResponse | undefined;
      try {
        response = await this.attempt(endpoint, operation, body, trace);
        if (response.statusCode >= 200 && response.statusCode < 300) {
          const result: unknown = response.body ? JSON.parse(response.body) : {};
          trace?.end({
            statusCode: response.statusCode,
            requestId: header(response.headers, "x-amzn-requestid"),
            retries: attempt - 1,
            attributes: { queue_url: queueUrl, ...traceAttributes(result) },
          });
          return result;
        }
        throw parseSqsError(response.statusCode, response.headers, response.body);
      } catch (error) {
        const kind = retryKind(error);
        if (kind && attempt < this.maxAttempts) {
          await sleep(backoffMs(kind, attempt));
          continue;
        }
        trace?.end({
          statusCode: response?.statusCode,
          requestId: error instanceof SqsError ? error.requestId : undefined,
          retries: attempt - 1,
          attributes: { queue_url: queueUrl, ...traceAttributes(undefined) },
          error: error as Error,
          throttled: kind === "throttling",
        });
        throw error;
      }
    }
  }

  private async attempt(
    endpoint: Endpoint,
    operation: string,
    body: Buffer,
    trace: AwsCallTrace | undefined,
  ): Promise<RawResponse> {
    const credentials = await this.credentials.get();
    const headers: Record<string, string> = {
      host: endpoint.host,
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `AmazonSQS.${operation}`,
    };
    endpoint.signer.sign({ method: "POST", path: "/", headers, body }, credentials);
    headers["content-length"] = String(body.length);
    if (trace) headers["x-amzn-trace-id"] = trace.header;
    return new Promise<RawResponse>((resolve, reject) => {
      const request = endpoint.request({
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port,
        method: "POST",
        path: "/",
        headers,
        agent: endpoint.protocol === "https:" ? this.httpsAgent : this.httpAgent,
      });
      // Settles at the latest when the timer fires, whatever the socket does after.
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(() => {
        const error = timeoutError(this.attemptTimeoutMs);
        fail(error);
        request.destroy(error);
      }, this.attemptTimeoutMs);
      request.on("error", fail);
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", fail);
        response.on("close", () => {
          // A connection cut mid-answer is retried like a reset one (aws-retry.ts).
          if (!response.complete)
            fail(Object.assign(new Error("SQS closed the connection mid-answer"), { code: "ECONNRESET" }));
        });
        response.on("end", () => {
          clearTimeout(timer);
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      });
      request.end(body);
    });
  }

  private endpoint(queueUrl: string): Endpoint {
    const known = this.endpoints.get(queueUrl);
    if (known) return known;
    const url = new URL(queueUrl);
    const region = this.options.region ?? (process.env.AWS_REGION || regionFromHost(url.hostname));
    const endpoint: Endpoint = {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port ? Number(url.port) : undefined,
      host: url.host,
      region,
      signer: new SigV4Signer(region, "sqs"),
      request: url.protocol === "https:" ? httpsRequest : httpRequest,
    };
    this.endpoints.set(queueUrl, endpoint);
    return endpoint;
  }
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 3_000;

interface Endpoint {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The Host header, as signed: hostname, and the port when the URL names one. */
  host: string;
  region: string;
  signer: SigV4Signer;
  request: typeof httpRequest;
}

interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** `sqs.eu-west-1.amazonaws.com`, `eu-west-1.queue.amazonaws.com` (legacy), `sqs.us-east-1.localhost`. */
export function regionFromHost(hostname: string): string {
  const match =
    /^sqs\.([a-z0-9-]+)\./.exec(hostname) ?? /^([a-z]{2}(?:-[a-z]+)+-\d+)\.queue\./.exec(hostname);
  return match?.[1] ?? "us-east-1";
}

function timeoutError(ms: number): Error {
  const error = new Error(`SQS did not answer within ${ms} ms`);
  error.name = "TimeoutError";
  return error;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
