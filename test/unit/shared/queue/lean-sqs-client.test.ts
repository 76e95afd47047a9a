import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LeanSqsClient, regionFromHost } from "../../../../shared/queue/lean-sqs-client.ts";
import { SqsError } from "../../../../shared/queue/sqs-error.ts";

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret-test" };

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A loopback HTTP server standing in for SQS, answering each request with the next scripted answer
 * (the last one repeats); `null` leaves the request hanging.
 */
async function scriptedSqs(answers: (Answer | null)[]) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)];
      if (answer === null || answer === undefined) return;
      response.writeHead(answer.status, { "content-type": "application/x-amz-json-1.0", ...answer.headers });
      response.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  servers.push(server);
  return { queueUrl: `http://127.0.0.1:${port}/000000000000/logs`, received };
}

const servers: Server[] = [];
const clients: LeanSqsClient[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const client of clients.splice(0)) client.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function client(options: ConstructorParameters<typeof LeanSqsClient>[0] = {}): LeanSqsClient {
  const created = new LeanSqsClient({
    credentials: async () => credentials,
    region: "eu-west-1",
    ...options,
  });
  clients.push(created);
  return created;
}

const batchOk = { Successful: [{ Id: "0", MessageId: "m-0" }], Failed: [] };
const entries = [{ Id: "0", MessageBody: '{"id":"log-1"}' }];

describe("LeanSqsClient", () => {
  it("posts SendMessageBatch in the AWS JSON 1.0 protocol to the queue's origin, signed", async () => {
    const sqs = await scriptedSqs([{ status: 200, body: batchOk }]);
    const output = await client().sendMessageBatch({ QueueUrl: sqs.queueUrl, Entries: entries });

    expect(output).toEqual(batchOk);
    expect(sqs.received).toHaveLength(1);
    const [request] = sqs.received;
    expect(request?.headers).toMatchObject({
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.SendMessageBatch",
      host: new URL(sqs.queueUrl).host,
    });
    expect(JSON.parse(request?.body ?? "")).toEqual({ QueueUrl: sqs.queueUrl, Entries: entries });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=/,
    );
  });

  it("sends a signature the SDK's signer verifies over the request as received", async () => {
    const sqs = await scriptedSqs([{ status: 200, body: { MessageId: "m-1" } }]);
    await client().sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "héllo ✓" });

    const request = sqs.received[0] as Received;
    const authorization = String(request.headers.authorization);
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(";") ?? [];
    const amzDate = String(request.headers["x-amz-date"]);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const signed = await new SignatureV4({
      service: "sqs",
      region: "eu-west-1",
      credentials,
      sha256: Sha256,
    }).sign(
      {
        method: "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        path: "/",
        query: {},
        headers: Object.fromEntries(signedNames.map((name) => [name, String(request.headers[name])])),
        body: request.body,
      },
      { signingDate },
    );
    expect(authorization).toBe(signed.headers.authorization);
  });

  it("returns SendMessage's MessageId", async () => {
    const sqs = await scriptedSqs([{ status: 200, body: { MessageId: "m-1", MD5OfMessageBody: "ignored" } }]);
    const output = await client().sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
    expect(output).toEqual({ MessageId: "m-1" });
    expect(sqs.received[0]?.headers["x-amz-target"]).toBe("AmazonSQS.SendMessage");
    expect(JSON.parse(sqs.received[0]?.body ?? "")).toEqual({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
  });

  it("hands back the entries SQS did not take", async () => {
    const failed = { Id: "1", Code: "InvalidMessageContents", Message: "bad", SenderFault: true };
    const sqs = await scriptedSqs([{ status: 200, body: { Successful: [], Failed: [failed] } }]);
    const output = await client().sendMessageBatch({ QueueUrl: sqs.queueUrl, Entries: entries });
    expect(output).toEqual({ Successful: [], Failed: [failed] });
  });

  it("retries a 500 and succeeds on the next attempt", async () => {
    const sqs = await scriptedSqs([
      { status: 500, body: { __type: "com.amazonaws.sqs#InternalError", message: "oops" } },
      { status: 200, body: batchOk },
    ]);
    const output = await client().sendMessageBatch({ QueueUrl: sqs.queueUrl, Entries: entries });
    expect(output).toEqual(batchOk);
    expect(sqs.received).toHaveLength(2);
    // Each attempt is signed afresh: the same body, its own signature time.
    expect(sqs.received[1]?.body).toBe(sqs.received[0]?.body);
  });

  it("retries throttling, named in the body or only in x-amzn-query-error", async () => {
    const sqs = await scriptedSqs([
      { status: 400, body: { __type: "com.amazonaws.sqs#ThrottlingException", message: "Rate exceeded" } },
      { status: 400, body: {}, headers: { "x-amzn-query-error": "RequestThrottled;Sender" } },
      { status: 200, body: { MessageId: "m-3" } },
    ]);
    const output = await client().sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
    expect(output.MessageId).toBe("m-3");
    expect(sqs.received).toHaveLength(3);
  });

  it("gives up after three attempts and throws the last error", async () => {
    const sqs = await scriptedSqs([{ status: 503, body: { __type: "ServiceUnavailable", message: "busy" } }]);
    const error = await client()
      .sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SqsError);
    expect(error).toMatchObject({ code: "ServiceUnavailable", statusCode: 503 });
    expect(sqs.received).toHaveLength(3);
  });

  it("does not retry a 400 client error, and reports it as SQS named it", async () => {
    const sqs = await scriptedSqs([
      {
        status: 400,
        body: {
          __type: "com.amazonaws.sqs#QueueDoesNotExist",
          message: "The specified queue does not exist.",
        },
        headers: { "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender" },
      },
    ]);
    const error = await client()
      .sendMessageBatch({ QueueUrl: sqs.queueUrl, Entries: entries })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "QueueDoesNotExist",
      queryErrorCode: "AWS.SimpleQueueService.NonExistentQueue",
      senderFault: true,
      message: "QueueDoesNotExist: The specified queue does not exist.",
    });
    expect(sqs.received).toHaveLength(1);
  });

  it("abandons an attempt SQS does not answer within the timeout, and retries it", async () => {
    const sqs = await scriptedSqs([null]);
    const error = await client({ attemptTimeoutMs: 100, maxAttempts: 2 })
      .sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "TimeoutError" });
    expect(sqs.received).toHaveLength(2);
  });

  it("retries an answer cut off mid-body", async () => {
    let requests = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        requests++;
        if (requests === 1) {
          response.writeHead(200, { "content-length": "100" });
          response.write('{"MessageId":');
          setTimeout(() => response.socket?.destroy(), 10);
          return;
        }
        response.end(JSON.stringify({ MessageId: "m-2" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const queueUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/000000000000/logs`;
    expect(await client().sendMessage({ QueueUrl: queueUrl, MessageBody: "x" })).toEqual({
      MessageId: "m-2",
    });
    expect(requests).toBe(2);
  });

  it("retries a refused connection, up to maxAttempts", async () => {
    const error = await client({ maxAttempts: 2 })
      .sendMessage({ QueueUrl: "http://127.0.0.1:1/000000000000/logs", MessageBody: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("signs for AWS_REGION, else for the region the queue URL's host names, else us-east-1", async () => {
    const sqs = await scriptedSqs([{ status: 200, body: { MessageId: "m" } }]);
    vi.stubEnv("AWS_REGION", "ap-south-1");
    await client({ region: undefined }).sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
    vi.stubEnv("AWS_REGION", "");
    await client({ region: undefined }).sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
    expect(
      sqs.received.map(
        (request) => /\/\d{8}\/([^/]+)\/sqs\//.exec(String(request.headers.authorization))?.[1],
      ),
    ).toEqual(["ap-south-1", "us-east-1"]);
  });

  it("signs with the credentials the provider gives, refreshing temporary ones", async () => {
    const sqs = await scriptedSqs([{ status: 200, body: { MessageId: "m" } }]);
    let calls = 0;
    const lean = client({
      credentials: async () => ({
        accessKeyId: `ASIA${++calls}`,
        secretAccessKey: "s",
        sessionToken: `token-${calls}`,
        // Already within the refresh window: every call asks again.
        expiration: new Date(Date.now() + 60_000),
      }),
    });
    await lean.sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
    await lean.sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
    expect(sqs.received.map((request) => request.headers["x-amz-security-token"])).toEqual([
      "token-1",
      "token-2",
    ]);
    expect(sqs.received[1]?.headers.authorization).toContain("Credential=ASIA2/");
  });
});

describe("LeanSqsClient tracing", () => {
  interface Recorded {
    name: string;
    attributes: Record<string, unknown>;
    flags: string[];
    closedWith: unknown[] | undefined;
  }

  function recordingTracer(enabled: boolean) {
    const subsegments: Recorded[] = [];
    const segment = {
      trace_id: "1-5759e988-bd862e3fe1be46a994272793",
      notTraced: false,
      addNewSubsegment(name: string) {
        const recorded: Recorded = { name, attributes: {}, flags: [], closedWith: undefined };
        subsegments.push(recorded);
        return {
          id: "53995c3f42cd8ad8",
          notTraced: false,
          addAttribute: (key: string, value: unknown) => {
            recorded.attributes[key] = value;
          },
          addThrottleFlag: () => recorded.flags.push("throttle"),
          addErrorFlag: () => recorded.flags.push("error"),
          addFaultFlag: () => recorded.flags.push("fault"),
          close: (...args: unknown[]) => {
            recorded.closedWith = args;
          },
        };
      },
    };
    const tracer = { isTracingEnabled: () => enabled, getSegment: () => segment } as unknown as Tracer;
    return { tracer, subsegments };
  }

  it("records each call as an SQS subsegment in the aws namespace, as the SDK's X-Ray capture does", async () => {
    const sqs = await scriptedSqs([
      { status: 500, body: {} },
      { status: 200, body: batchOk, headers: { "x-amzn-requestid": "req-1" } },
    ]);
    const { tracer, subsegments } = recordingTracer(true);
    await client({ tracer }).sendMessageBatch({ QueueUrl: sqs.queueUrl, Entries: entries });

    expect(subsegments).toEqual([
      {
        name: "SQS",
        attributes: {
          namespace: "aws",
          aws: {
            operation: "SendMessageBatch",
            region: "eu-west-1",
            request_id: "req-1",
            retries: 1,
            queue_url: sqs.queueUrl,
            message_count: 1,
            successful_count: 1,
            failed_count: 0,
          },
          http: { response: { status: 200 } },
        },
        flags: [],
        closedWith: [],
      },
    ]);
    // The trace header joins SQS's side of the call to this subsegment; it is not signed.
    expect(sqs.received[1]?.headers["x-amzn-trace-id"]).toBe(
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    );
    expect(sqs.received[1]?.headers.authorization).not.toContain("x-amzn-trace-id");
  });

  it("flags a failed call and closes its subsegment with the error", async () => {
    const sqs = await scriptedSqs([{ status: 400, body: { __type: "QueueDoesNotExist", message: "gone" } }]);
    const { tracer, subsegments } = recordingTracer(true);
    await expect(
      client({ tracer }).sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" }),
    ).rejects.toThrow("QueueDoesNotExist");
    expect(subsegments[0]?.flags).toEqual(["error"]);
    expect(subsegments[0]?.closedWith?.[1]).toBe(true);
    expect(subsegments[0]?.attributes.aws).toMatchObject({
      operation: "SendMessage",
      queue_url: sqs.queueUrl,
    });
  });

  it("opens no subsegment and sends no trace header when tracing is off", async () => {
    const sqs = await scriptedSqs([{ status: 200, body: { MessageId: "m" } }]);
    const { tracer, subsegments } = recordingTracer(false);
    await client({ tracer }).sendMessage({ QueueUrl: sqs.queueUrl, MessageBody: "x" });
    expect(subsegments).toEqual([]);
    expect(sqs.received[0]?.headers).not.toHaveProperty("x-amzn-trace-id");
  });
});

describe("regionFromHost", () => {
  it.each([
    ["sqs.eu-west-1.amazonaws.com", "eu-west-1"],
    ["sqs.cn-north-1.amazonaws.com.cn", "cn-north-1"],
    ["ap-southeast-2.queue.amazonaws.com", "ap-southeast-2"],
    ["sqs.us-east-1.localhost", "us-east-1"],
    ["127.0.0.1", "us-east-1"],
  ])("reads %s as %s", (host, region) => {
    expect(regionFromHost(host)).toBe(region);
  });
});
