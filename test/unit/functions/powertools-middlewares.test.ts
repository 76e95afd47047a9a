import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logUnexpectedError, powertoolsMiddlewares } from "../../../functions/lib/powertools-middlewares.ts";
import { lambdaContext } from "../../../infra/local/queue-poller.ts";

/** The JSON log lines a Powertools Logger writes (info to stdout, errors to stderr) while `run` runs. */
async function logLinesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const record = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(record),
    vi.spyOn(process.stderr, "write").mockImplementation(record),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const logger = () => new Logger({ serviceName: "middleware-test" });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the Powertools middlewares of the api and log-writer handlers", () => {
  it("put the invocation's Lambda context on every log line, and take it off afterwards", async () => {
    const log = logger();
    const handler = middy<unknown, string>()
      .use(await powertoolsMiddlewares(log, {}))
      .handler(async () => {
        log.appendKeys({ gateway_id: "default" });
        log.info("inside");
        return "done";
      });
    const context = lambdaContext("ai-gateway-api");

    const lines = await logLinesOf(async () => {
      await handler({}, context);
      log.info("after");
    });

    expect(lines[0]).toMatchObject({
      message: "inside",
      function_name: "ai-gateway-api",
      function_request_id: context.awsRequestId,
      gateway_id: "default",
    });
    expect(typeof lines[0]?.cold_start).toBe("boolean");
    expect(lines[1]?.message).toBe("after");
    expect(lines[1]).not.toHaveProperty("gateway_id");
  });

  it("leave the Tracer out where tracing cannot be on (npm start, tests)", async () => {
    expect(await powertoolsMiddlewares(logger(), {})).toHaveLength(1);
    expect(
      await powertoolsMiddlewares(logger(), {
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
        POWERTOOLS_TRACE_ENABLED: "false",
      }),
    ).toHaveLength(1);
  });
});

describe("logUnexpectedError", () => {
  it("logs an error that escaped the handler, with the Lambda context, and answers as told", async () => {
    const log = logger();
    const handler = middy<unknown, { statusCode: number }>()
      .use(await powertoolsMiddlewares(log, {}))
      .use(logUnexpectedError(log, "api invocation failed", () => ({ statusCode: 500 })))
      .handler(async () => {
        throw new Error("table gone");
      });
    const context = lambdaContext("ai-gateway-api");
    let answer: unknown;

    const lines = await logLinesOf(async () => {
      answer = await handler({}, context);
    });

    expect(answer).toEqual({ statusCode: 500 });
    expect(lines).toEqual([
      expect.objectContaining({
        level: "ERROR",
        message: "api invocation failed",
        function_request_id: context.awsRequestId,
        error: expect.objectContaining({ message: "table gone" }),
      }),
    ]);
  });

  it("logs the error and fails the invocation when there is no answer to give (a batch to retry)", async () => {
    const log = logger();
    const handler = middy<unknown, unknown>()
      .use(logUnexpectedError(log, "log batch failed"))
      .handler(async () => {
        throw new Error("throttled");
      });

    let failure: unknown;
    const lines = await logLinesOf(async () => {
      await handler({}, lambdaContext("ai-gateway-log-writer")).catch((error: unknown) => {
        failure = error;
      });
    });

    expect((failure as Error).message).toBe("throttled");
    expect(lines.map((line) => line.message)).toEqual(["log batch failed"]);
  });
});
