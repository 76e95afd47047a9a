import {
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEventStream } from "../mock-upstream/event-stream.ts";
import { bedrockSdkClient } from "../support/bedrock-sdk-client.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * DLP on Bedrock's binary event stream (`application/vnd.amazon.eventstream`) through the local runtime,
 * with the real AWS SDK as the client: converse-stream and invoke-with-response-stream (Claude) against the
 * mock Bedrock, whose `dlp-secrets` answer splits a card number across two frames.
 */
let t: TestGateway;

const settings = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
  authentication: false,
};

const FINANCIAL = "financial-information";
const CONTACT = "contact-information";
const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

function dlpGateway(id: string, action: string, profiles = [FINANCIAL], extra = {}) {
  return {
    id,
    ...settings,
    ...extra,
    dlp: {
      enabled: true,
      policies: [{ id: `${id}-policy`, action, check: ["RESPONSE"], enabled: true, profiles }],
    },
  };
}

beforeAll(async () => {
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0" });
  for (const gateway of [
    dlpGateway("es-block", "BLOCK"),
    dlpGateway("es-redact", "REDACT", [FINANCIAL, CONTACT]),
    dlpGateway("es-flag-cached", "FLAG", [FINANCIAL], { cache_ttl: 300 }),
  ]) {
    const created = await t.managementSend("POST", "/gateways", gateway);
    expect(created.status, JSON.stringify(created.body.errors)).toBe(200);
  }
});

afterAll(async () => {
  await t?.stop();
});

const endpointOf = (gatewayId: string) =>
  `${t.providerUrl("aws-bedrock", gatewayId)}/bedrock-runtime/us-east-1`;

const secrets = { "x-mock-fixture": "dlp-secrets", "x-mock-chunk-delay-ms": "5" };

/** Runs a ConverseStream through the SDK: the text it yielded and the error its iterator threw, if any. */
async function converseStream(gatewayId: string, headers = secrets) {
  const { client, seen } = bedrockSdkClient(endpointOf(gatewayId), headers);
  let text = "";
  let error: unknown;
  try {
    const answer = await client.send(
      new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "hi" }] }] }),
    );
    for await (const event of answer.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? "";
  } catch (thrown) {
    error = thrown;
  }
  return { text, error, logId: seen[0]?.["cf-aig-log-id"] ?? "", headers: seen[0] ?? {} };
}

/** Runs an InvokeModelWithResponseStream (Claude) through the SDK: the text of its Anthropic events. */
async function invokeStream(gatewayId: string, headers = secrets) {
  const { client, seen } = bedrockSdkClient(endpointOf(gatewayId), headers);
  let text = "";
  let error: unknown;
  try {
    const answer = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: MODEL,
        contentType: "application/json",
        body: JSON.stringify({
          anthropic_version: "bedrock-2023-05-31",
          max_tokens: 50,
          messages: [{ role: "user", content: "hi" }],
        }),
      }),
    );
    for await (const event of answer.body ?? []) {
      if (!event.chunk?.bytes) continue;
      const inner = JSON.parse(new TextDecoder().decode(event.chunk.bytes)) as { delta?: { text?: string } };
      text += inner.delta?.text ?? "";
    }
  } catch (thrown) {
    error = thrown;
  }
  return { text, error, logId: seen[0]?.["cf-aig-log-id"] ?? "" };
}

/** Polls a gateway's logs API until the row is stored (the test gateway's helper reads `default` only). */
async function waitForLog(gatewayId: string, logId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await t.management(`/gateways/${gatewayId}/logs/${logId}`);
    if (status === 200) return body.result as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`log ${logId} not stored (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("DLP on a Bedrock converse-stream", () => {
  it("redacts a card number split across two frames, the frames still valid for the SDK", async () => {
    const { text, error, logId } = await converseStream("es-redact");
    expect(error).toBeUndefined();
    expect(text).toBe("My card is [REDACTED], mail me at [REDACTED]. Bye.");
    // As on SSE, the head went before the answer's findings: they are in the log, not in cf-aig-dlp.
    expect(await waitForLog("es-redact", logId)).toMatchObject({
      success: true,
      dlp_action: "REDACT",
      dlp_entries: expect.arrayContaining(["credit-card", "email"]),
    });
  });

  it("ends a blocked stream with an exception the SDK throws (2030), never yielding the match", async () => {
    const { text, error, logId } = await converseStream("es-block");
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      "Response content blocked due to DLP policy violations (code 2030)",
    );
    expect(text).not.toContain("4111");
    expect(text).toBe("");
    const log = await waitForLog("es-block", logId);
    expect(log).toMatchObject({
      success: false,
      dlp_action: "BLOCK",
      dlp_check: ["RESPONSE"],
      dlp_entries: ["credit-card"],
      error: { code: 2030 },
    });
  });

  it("passes a stream with nothing to find byte for byte", async () => {
    const path = `/model/${encodeURIComponent(MODEL)}/converse-stream`;
    const ask = (url: string) =>
      fetch(url, {
        method: "POST",
        headers: {
          authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/bedrock/aws4_request",
          "content-type": "application/json",
        },
        body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi" }] }] }),
      }).then(async (response) => Buffer.from(await response.arrayBuffer()).toString("hex"));
    const through = await ask(`${t.providerUrl("aws-bedrock", "es-block")}/bedrock-runtime/us-east-1${path}`);
    const direct = await ask(`${t.mock.url}${path}`);
    expect(decodeEventStream(Buffer.from(through, "hex")).map((event) => event.eventType)).toContain(
      "metadata",
    );
    expect(through).toBe(direct);
  });

  it("does not rescan a cache hit: a flagged stream replayed from the cache is not flagged again", async () => {
    const headers = { ...secrets, "x-mock-chunk-delay-ms": "0" };
    const first = await converseStream("es-flag-cached", headers);
    const second = await converseStream("es-flag-cached", headers);
    expect(second.headers["cf-aig-cache-status"]).toBe("HIT");
    expect(second.text).toBe(first.text);
    expect(first.text).toContain("4111");
    expect((await waitForLog("es-flag-cached", first.logId)).dlp_action).toBe("FLAG");
    expect((await waitForLog("es-flag-cached", second.logId)).dlp_action ?? null).toBeNull();
  });
});

describe("DLP on a Bedrock invoke-with-response-stream (Claude)", () => {
  it("redacts inside the base64 bytes of the chunk events", async () => {
    const { text, error } = await invokeStream("es-redact");
    expect(error).toBeUndefined();
    expect(text).toBe("My card is [REDACTED], mail me at [REDACTED]. Bye.");
  });

  it("ends a blocked stream with the exception the SDK throws", async () => {
    const { text, error } = await invokeStream("es-block");
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain("DLP");
    expect(text).not.toContain("4111");
  });
});
