import { PassThrough } from "node:stream";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installLambdaGlobals } from "../../../../infra/local/lambda-globals.ts";
import { lambdaContext } from "../../../../infra/local/queue-poller.ts";

type StreamingHandler = (event: APIGatewayProxyEvent, stream: PassThrough, context: Context) => Promise<void>;

let handler: StreamingHandler;

// Read once, at import, as on Lambda; nothing here reaches these addresses (the route below needs none).
const ENVIRONMENT = {
  ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
  CONFIG_TABLE_NAME: "config",
  STATE_TABLE_NAME: "state",
  LOG_QUEUE_URL: "http://127.0.0.1:1/000000000000/logs",
  AIG_API_TOKEN: "unit-test-admin-token-0123456789",
  AWS_REGION: "us-east-1",
};
const previous = Object.fromEntries(Object.keys(ENVIRONMENT).map((name) => [name, process.env[name]]));

beforeAll(async () => {
  installLambdaGlobals();
  Object.assign(process.env, ENVIRONMENT);
  handler = (await import("../../../../functions/proxy/handler.ts")).handler as unknown as StreamingHandler;
});

afterAll(() => {
  for (const [name, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function unroutedEvent(): APIGatewayProxyEvent {
  return {
    resource: "/v1/{proxy+}",
    path: "/v1/not-an-account",
    httpMethod: "GET",
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestTimeEpoch: Date.now() } as APIGatewayProxyEvent["requestContext"],
  };
}

describe("proxy handler", () => {
  it("does not let Lambda wait for an empty event loop: it awaits its own pending work", async () => {
    const context = lambdaContext("proxy");
    context.callbackWaitsForEmptyEventLoop = true;
    const stream = new PassThrough();
    stream.resume();

    await handler(unroutedEvent(), stream, context);

    expect(context.callbackWaitsForEmptyEventLoop).toBe(false);
  });
});
