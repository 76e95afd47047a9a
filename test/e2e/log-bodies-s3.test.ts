import { gunzipSync } from "node:zlib";
import { GetObjectCommand, NoSuchKey } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logBodyKey } from "../../shared/store/log-body-objects.ts";
import { createS3Client } from "../../shared/store/s3-client.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  // Threshold 0: this chat's bodies go to S3 although they are far below the default (16 KB of gzip).
  t = await startTestGateway({ LOG_BODIES_S3_MIN_BYTES: "0" });
});

afterAll(async () => {
  await t.stop();
});

/** The log body object the local runtime's log-writer stored, gunzipped, or undefined when there is none. */
async function storedBody(logId: string, kind: "request" | "response"): Promise<string | undefined> {
  // startLocalGateway pointed AWS_ENDPOINT_URL_S3 at the embedded emulator and named the bucket.
  const s3 = createS3Client();
  try {
    const { Body } = await s3.send(
      new GetObjectCommand({
        Bucket: process.env.LOG_BODIES_BUCKET,
        Key: logBodyKey(t.gateway.accountId, "default", logId, kind),
      }),
    );
    return gunzipSync(await (Body?.transformToByteArray() ?? new Uint8Array())).toString("utf8");
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  } finally {
    s3.destroy();
  }
}

describe("log bodies in the embedded S3 emulator (proxy -> SQS -> log-writer -> S3 + DynamoDB)", () => {
  it("stores a logged request's bodies as objects, serves them from the logs API, and deletes them with the log", async () => {
    const eventId = `s3-bodies-${Date.now()}`;
    const chatBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-test",
        "content-type": "application/json",
        "cf-aig-event-id": eventId,
      },
      body: chatBody,
    });
    const answer = await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    await t.waitForLog(logId);

    expect(await storedBody(logId, "request")).toBe(chatBody);
    expect(await storedBody(logId, "response")).toBe(answer);
    expect((await t.management(`/gateways/default/logs/${logId}/request`)).body.result).toEqual(
      JSON.parse(chatBody),
    );
    expect((await t.management(`/gateways/default/logs/${logId}/response`)).body.result).toEqual(
      JSON.parse(answer),
    );

    const filter = encodeURIComponent(
      JSON.stringify([{ key: "event_id", operator: "eq", value: [eventId] }]),
    );
    const deleted = await t.managementSend("DELETE", `/gateways/default/logs?filters=${filter}`);
    expect(deleted.status).toBe(200);
    expect(await storedBody(logId, "request")).toBeUndefined();
    expect(await storedBody(logId, "response")).toBeUndefined();
    expect((await t.management(`/gateways/default/logs/${logId}/request`)).status).toBe(404);
  });
});
