import {
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bedrockSdkClient } from "../support/bedrock-sdk-client.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * The response guardrail on Bedrock's binary event stream through the local runtime, the real AWS SDK as
 * the client and Bedrock Guardrails' ApplyGuardrail at the mock (`guard:S10` in the answer is detected).
 */
let t: TestGateway;

/** Five deltas of 16 characters (x-mock-chunks: 5); the third holds the marker whole. */
const REPLY_WITH_S10 = "Once upon a time in a quiet town guard:S10 said hello to all of us, the end.    ";
const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

beforeAll(async () => {
  // A window of 4 tokens (16 characters): each of the mock's 16-character deltas is scanned on its own.
  t = await startTestGateway({
    CONFIG_CACHE_TTL_MS: "0",
    BEDROCK_GUARDRAIL_ID: "gr0mockguard",
    BEDROCK_GUARDRAIL_VERSION: "1",
    GUARDRAILS_STREAM_WINDOW_TOKENS: "4",
  });
  const created = await t.managementSend("POST", "/gateways", {
    id: "guarded-es",
    cache_invalidate_on_update: false,
    cache_ttl: 0,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
    authentication: false,
    guardrails: { prompt: {}, response: { S10: "BLOCK" } },
  });
  expect(created.status).toBe(200);
});

afterAll(() => t.stop());

const guardedEndpoint = () => `${t.providerUrl("aws-bedrock", "guarded-es")}/bedrock-runtime/us-east-1`;

async function waitForLog(logId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await t.management(`/gateways/guarded-es/logs/${logId}`);
    if (status === 200) return body.result as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`log ${logId} not stored (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the response guardrail on a Bedrock event stream", () => {
  it("ends a converse-stream mid-way with an exception the SDK throws (2017), never yielding the text", async () => {
    const { client, seen } = bedrockSdkClient(guardedEndpoint(), {
      "x-mock-reply": REPLY_WITH_S10,
      "x-mock-chunks": "5",
    });
    let text = "";
    let error: unknown;
    try {
      const answer = await client.send(
        new ConverseStreamCommand({
          modelId: MODEL,
          messages: [{ role: "user", content: [{ text: "story" }] }],
        }),
      );
      for await (const event of answer.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? "";
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe("Response blocked by the gateway's guardrails (S10) (code 2017)");
    expect(text).toBe("Once upon a time in a quiet town");
    expect(await waitForLog(seen[0]?.["cf-aig-log-id"] ?? "")).toMatchObject({
      success: false,
      error: { code: 2017 },
      guardrails: { response: { action: "BLOCK", categories: ["S10"] } },
    });
  });

  it("ends an invoke-with-response-stream (Claude) the same way", async () => {
    const { client } = bedrockSdkClient(guardedEndpoint(), {
      "x-mock-reply": REPLY_WITH_S10,
      "x-mock-chunks": "5",
    });
    let text = "";
    let error: unknown;
    try {
      const answer = await client.send(
        new InvokeModelWithResponseStreamCommand({
          modelId: MODEL,
          contentType: "application/json",
          body: JSON.stringify({
            anthropic_version: "bedrock-2023-05-31",
            max_tokens: 64,
            messages: [{ role: "user", content: "story" }],
          }),
        }),
      );
      for await (const event of answer.body ?? []) {
        const inner = JSON.parse(new TextDecoder().decode(event.chunk?.bytes ?? new Uint8Array())) as {
          delta?: { text?: string };
        };
        text += inner.delta?.text ?? "";
      }
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationException);
    expect(text).not.toContain("guard:S10");
  });

  it("delivers a clean stream whole", async () => {
    const reply = "Nothing to see here, only a calm and quiet answer.";
    const { client } = bedrockSdkClient(guardedEndpoint(), { "x-mock-reply": reply, "x-mock-chunks": "7" });
    const answer = await client.send(
      new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "hi" }] }] }),
    );
    let text = "";
    const types: string[] = [];
    for await (const event of answer.stream ?? []) {
      types.push(Object.keys(event)[0] ?? "");
      text += event.contentBlockDelta?.delta?.text ?? "";
    }
    expect(text).toBe(reply);
    expect(types.at(-1)).toBe("metadata");
  });
});
