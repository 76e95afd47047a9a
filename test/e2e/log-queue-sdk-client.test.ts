import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({ LOG_QUEUE_CLIENT: "sdk" });
});

afterAll(async () => {
  await t?.stop();
});

describe("LOG_QUEUE_CLIENT=sdk", () => {
  it("queues log events through the AWS SDK's SQS client, and they are stored as with the lean one", async () => {
    const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    await response.arrayBuffer();
    expect(response.status).toBe(200);

    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "openai", model: "gpt-4o-mini", status_code: 200, success: true });
  });
});
