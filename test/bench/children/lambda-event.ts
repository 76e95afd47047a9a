import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";

/**
 * The API Gateway REST event (payload 1.0, binary media types on, so the body is base64) that the stack's
 * proxy integration hands our proxy Lambda for a chat completion, as infra/local/api-gateway-event.ts
 * builds it for the local front.
 */
export function chatCompletionEvent(options: {
  accountId: string;
  adminToken: string;
  stream: boolean;
  mockHeaders: Record<string, string>;
  /** The user message (default: a short greeting). */
  content?: string;
}): APIGatewayProxyEvent {
  const path = `/v1/${options.accountId}/default/openai/chat/completions`;
  const body = Buffer.from(
    JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: options.content ?? "Say hello to the benchmark." }],
      ...(options.stream ? { stream: true } : {}),
    }),
  );
  const headers: Record<string, string> = {
    Host: "gateway.bench",
    "content-type": "application/json",
    "cf-aig-authorization": `Bearer ${options.adminToken}`,
    authorization: "Bearer sk-bench",
    "content-length": String(body.byteLength),
    ...options.mockHeaders,
  };
  return {
    resource: "/v1/{proxy+}",
    path,
    httpMethod: "POST",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(4) },
    stageVariables: null,
    body: body.toString("base64"),
    isBase64Encoded: true,
    requestContext: {
      accountId: options.accountId,
      apiId: "bench",
      stage: "prod",
      requestId: randomUUID(),
      httpMethod: "POST",
      path: `/prod${path}`,
      protocol: "HTTP/1.1",
      resourceId: "bench",
      resourcePath: "/v1/{proxy+}",
      requestTimeEpoch: Date.now(),
      authorizer: null,
      identity: {
        sourceIp: "127.0.0.1",
        userAgent: "bench",
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

/** A fresh copy with its own request id, as each invocation gets. */
export function nextInvocation(event: APIGatewayProxyEvent): APIGatewayProxyEvent {
  return { ...event, requestContext: { ...event.requestContext, requestId: randomUUID() } };
}

export function lambdaContext(): Context {
  const deadline = Date.now() + 900_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "bench-proxy",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:bench-proxy",
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/bench-proxy",
    logStreamName: "bench",
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * The Lambda response stream as a sink: counts bytes and notes when the first body byte (after the
 * prelude and its 8 NUL bytes) and the last were written.
 */
export class TimingSink extends Writable {
  bytes = 0;
  /** The HTTP prelude the handler wrote (status, headers). */
  prelude: { statusCode?: number } = {};
  firstBodyByteAt = 0;
  finishedAt = 0;
  private preludeSeen = false;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.byteLength;
    if (!this.preludeSeen) {
      // HttpResponseStream.from writes the prelude (JSON + 8 NUL bytes) as one chunk.
      this.preludeSeen = true;
      const end = chunk.indexOf(0);
      this.prelude = JSON.parse(chunk.subarray(0, end < 0 ? chunk.byteLength : end).toString("utf8"));
    } else if (this.firstBodyByteAt === 0 && chunk.byteLength > 0) {
      // Not the zero-length write that sends the prelude (functions/lib/stream-response.ts).
      this.firstBodyByteAt = performance.now();
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finishedAt = performance.now();
    callback();
  }
}
