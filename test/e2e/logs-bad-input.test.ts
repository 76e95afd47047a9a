import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let logId = "";

async function call(method: string, path: string, body?: string) {
  const response = await fetch(
    `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai-gateway${path}`,
    {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body,
    },
  );
  return {
    status: response.status,
    body: (await response.json()) as {
      success: boolean;
      errors: { code: number; message: string }[];
      result: unknown;
    },
  };
}

const filters = (list: unknown) => `filters=${encodeURIComponent(JSON.stringify(list))}`;
const day = "start=2026-11-25T00:00:00Z&end=2026-11-26T00:00:00Z";

beforeAll(async () => {
  t = await startTestGateway();
  const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
    method: "POST",
    headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.text();
  logId = response.headers.get("cf-aig-log-id") ?? "";
  await t.waitForLog(logId);
});

afterAll(async () => {
  await t.stop();
});

describe("bad input on the logs and analytics routes: a clear 4xx in the envelope, nothing changed", () => {
  const cases = (): [string, string, string | undefined, number, string][] => [
    ["GET", "/gateways/default/logs?per_page=51", undefined, 400, "per_page: Too big"],
    ["GET", "/gateways/default/logs?order_by_direction=up", undefined, 400, "order_by_direction"],
    ["GET", "/gateways/default/logs?success=maybe", undefined, 400, "success"],
    ["GET", "/gateways/default/logs?min_cost=cheap", undefined, 400, "min_cost"],
    [
      "GET",
      "/gateways/default/logs?start_date=yesterday",
      undefined,
      400,
      "start_date: must be an ISO 8601 date",
    ],
    ["GET", "/gateways/default/logs?meta_info=yes", undefined, 400, "meta_info"],
    ["GET", `/gateways/default/logs?${filters({ key: "id" })}`, undefined, 400, "filters: must be an array"],
    [
      "GET",
      `/gateways/default/logs?${filters([{ key: "x", operator: "eq", value: [1] }])}`,
      undefined,
      400,
      "unknown filter key",
    ],
    [
      "DELETE",
      `/gateways/default/logs?${filters([{ key: "provider", operator: "~", value: ["openai"] }])}`,
      undefined,
      400,
      "filters.0.operator",
    ],
    ["DELETE", "/gateways/default/logs?limit=-1", undefined, 400, "limit: Too small"],
    ["DELETE", "/gateways/default/logs?order_by=colour", undefined, 400, "order_by"],
    [
      "DELETE",
      "/gateways/default/logs?everything=true",
      undefined,
      400,
      'Unknown query parameter "everything"',
    ],
    ["DELETE", "/gateways/missing/logs", undefined, 404, 'Unknown gateway "missing"'],
    ["DELETE", "/gateways/bad$id/logs", undefined, 400, "Invalid gateway id"],
    ["PATCH", `/gateways/default/logs/${logId}`, "nope", 400, "Request body is not valid JSON"],
    ["PATCH", `/gateways/default/logs/${logId}`, "[]", 400, "Request body must be a JSON object"],
    ["PATCH", `/gateways/default/logs/${logId}`, '{"feedback":5}', 400, "feedback"],
    ["PATCH", `/gateways/default/logs/${logId}`, '{"score":-1}', 400, "score: Too small"],
    ["PATCH", `/gateways/default/logs/${logId}`, '{"score":"high"}', 400, "score"],
    ["PATCH", `/gateways/default/logs/${logId}`, '{"metadata":{"a":[1]}}', 400, "metadata"],
    [
      "PATCH",
      `/gateways/default/logs/${logId}`,
      '{"metadata":{"1":1,"2":2,"3":3,"4":4,"5":5,"6":6}}',
      400,
      "at most 5 entries",
    ],
    ["PATCH", `/gateways/default/logs/${logId}`, '{"tags":["x"]}', 400, 'Unknown field "tags"'],
    [
      "PATCH",
      "/gateways/default/logs/0190a5c4-0000-7000-8000-00000000dead",
      '{"score":1}',
      404,
      "Unknown log",
    ],
    ["GET", "/gateways/default/analytics", undefined, 400, "start: "],
    ["GET", `/gateways/default/analytics?${day}&granularity=week`, undefined, 400, "granularity"],
    [
      "GET",
      "/gateways/default/analytics?start=2026-01-01T00:00:00Z&end=2026-11-26T00:00:00Z",
      undefined,
      400,
      "at most 744 hours",
    ],
    ["GET", `/gateways/missing/analytics?${day}`, undefined, 404, 'Unknown gateway "missing"'],
  ];

  it("is answered with a 4xx whose message says what is wrong", async () => {
    for (const [method, path, body, status, message] of cases()) {
      const answer = await call(method, path, body);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status });
      expect(answer.body.success).toBe(false);
      expect(answer.body.errors[0]?.message, `${method} ${path}`).toContain(message);
    }
  });

  it("leaves the logs as they were", async () => {
    const { body } = await call("GET", `/gateways/default/logs/${logId}`);
    expect(body.result).toMatchObject({ id: logId });
    expect(body.result).not.toHaveProperty("feedback");
    expect(body.result).not.toHaveProperty("score");
    const list = await call("GET", "/gateways/default/logs");
    expect((list.body.result as unknown[]).length).toBe(1);
  });
});
