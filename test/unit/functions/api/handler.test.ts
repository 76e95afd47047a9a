import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { lambdaContext } from "../../../../infra/local/queue-poller.ts";

type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let handler: ApiHandler;

// Read once, at import, as on Lambda; nothing here reaches the tables (the event below fails before).
const ENVIRONMENT = {
  ACCOUNT_ID: "local",
  CONFIG_TABLE_NAME: "config",
  LOGS_TABLE_NAME: "logs",
  LOG_DELETE_QUEUE_URL: "http://127.0.0.1:1/000000000000/log-deletes",
  AIG_API_TOKEN: "unit-test-admin-token-0123456789",
  AWS_REGION: "us-east-1",
};
const previous = Object.fromEntries(Object.keys(ENVIRONMENT).map((name) => [name, process.env[name]]));

beforeAll(async () => {
  Object.assign(process.env, ENVIRONMENT);
  handler = (await import("../../../../functions/api/handler.ts")).handler as unknown as ApiHandler;
});

afterAll(() => {
  for (const [name, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("the api Lambda handler", () => {
  it("answers an error nothing below caught with a 500 Cloudflare envelope, and logs it with the Lambda context", async () => {
    const errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const context = lambdaContext("ai-gateway-api");
    // An event API Gateway never sends (no path, no headers): the request cannot even be built.
    const result = await handler({} as APIGatewayProxyEvent, context);
    const logged = errors.mock.calls.map(([chunk]) => String(chunk)).join("");
    errors.mockRestore();

    expect(result.statusCode).toBe(500);
    const body = result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body;
    expect(JSON.parse(body)).toEqual({
      success: false,
      errors: [{ code: expect.any(Number), message: "Internal gateway error" }],
      messages: [],
      result: null,
    });
    expect(JSON.parse(logged)).toMatchObject({
      level: "ERROR",
      message: "api invocation failed",
      function_request_id: context.awsRequestId,
    });
  });
});
