import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
});

const chatBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });

function postChat(headers: Record<string, string> = {}, body = chatBody, init: RequestInit = {}) {
  return fetch(`${t.providerUrl("openai")}/chat/completions`, {
    method: "POST",
    headers: {
      ...t.gatewayAuth,
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      ...headers,
    },
    body,
    ...init,
  });
}

describe("the logging pipeline (proxy -> SQS -> log-writer -> DynamoDB)", () => {
  it("logs the request and response bodies, metadata and the client's event id", async () => {
    const response = await postChat({
      "cf-aig-event-id": "evt-123",
      "cf-aig-metadata": JSON.stringify({
        user: "u-1",
        plan: "pro",
        n: 3,
        beta: true,
        a: 1,
        b: 2,
        "cf.reserved": "x",
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cf-aig-event-id")).toBe("evt-123");
    const answer = await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";

    const log = await t.waitForLog(logId);
    // Five entries at most, the first five kept; `cf.` keys are reserved.
    expect(log.metadata).toEqual({ user: "u-1", plan: "pro", n: 3, beta: true, a: 1 });
    expect(log.event_id).toBe("evt-123");
    expect(log.request_size).toBe(Buffer.byteLength(chatBody));
    expect(log.response_size).toBe(Buffer.byteLength(answer));
    expect(log.user_agent).toBeTypeOf("string");

    const request = await t.management(`/gateways/default/logs/${logId}/request`);
    expect(request.body.result).toEqual(JSON.parse(chatBody));
    const responseBody = await t.management(`/gateways/default/logs/${logId}/response`);
    expect(responseBody.body.result).toEqual(JSON.parse(answer));
  });

  it("keeps the bodies out of the log when cf-aig-collect-log-payload is false", async () => {
    const response = await postChat({ "cf-aig-collect-log-payload": "false" });
    await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    const log = await t.waitForLog(logId);
    expect(log.tokens_in).toBe(12);
    expect((await t.management(`/gateways/default/logs/${logId}/request`)).body.result).toBeNull();
  });

  it("writes no log at all when cf-aig-collect-log is false", async () => {
    const response = await postChat({ "cf-aig-collect-log": "false" });
    await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    // A later logged request proves the pipeline has drained past the unlogged one.
    const later = await postChat();
    await later.text();
    await t.waitForLog(later.headers.get("cf-aig-log-id") ?? "");
    expect((await t.management(`/gateways/default/logs/${logId}`)).status).toBe(404);
  });

  it("passes a provider 500 through unchanged and logs it as failed", async () => {
    const response = await postChat({ "x-mock-status": "500" });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { type: string } };
    expect(body.error.type).toBe("server_error");
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 500, success: false, error: null });
  });

  it("passes a provider 429 through with its retry-after and logs it as failed", async () => {
    const response = await postChat({ "x-mock-status": "429" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    await response.text();
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ status_code: 429, success: false });
  });

  it("logs a stream the client abandons mid-way as aborted, with what was sent", async () => {
    const controller = new AbortController();
    const response = await postChat(
      { "x-mock-chunk-delay-ms": "200", "x-mock-chunks": "20" },
      JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] }),
      { signal: controller.signal },
    );
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();

    const log = await t.waitForLog(logId);
    expect(log).toMatchObject({ client_aborted: true, success: false, status_code: 200 });
    expect(log.response_size as number).toBeGreaterThan(0);
    // The gateway stopped well before the provider's 4 s stream would have ended.
    expect(log.duration as number).toBeLessThan(3000);
  });

  it("moves a log event that keeps failing to the dead-letter queue", async () => {
    await t.gateway.sqs.send(
      new SendMessageCommand({ QueueUrl: t.gateway.logQueueUrl, MessageBody: '{"not":"a log"}' }),
    );
    const deadline = Date.now() + 15_000;
    let bodies: string[] = [];
    while (bodies.length === 0 && Date.now() < deadline) {
      const { Messages = [] } = await t.gateway.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: t.gateway.deadLetterQueueUrl, WaitTimeSeconds: 1 }),
      );
      bodies = Messages.map((message) => message.Body ?? "");
    }
    expect(bodies).toEqual(['{"not":"a log"}']);
  });
});
