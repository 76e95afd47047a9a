import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let receiver: OtlpReceiver;

/** The gateway settings a PUT must send (the SDK marks them required), as the default gateway has them. */
const REQUIRED = {
  cache_ttl: 0,
  cache_invalidate_on_update: false,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
};

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The local runtime trusts loopback (TRUSTED_UPSTREAM_HOSTS), where this receiver listens.
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
  await receiver.close();
});

interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status: { code?: number; message?: string };
}

const attributesOf = (span: OtlpJsonSpan) =>
  Object.fromEntries(span.attributes.map(({ key, value }) => [key, Object.values(value)[0]]));

describe("OpenTelemetry export (gateway `otel` -> log-writer -> OTLP/HTTP)", () => {
  it("hides the headers' values on GET and keeps them when a PUT sends the placeholder back", async () => {
    const otel = [
      { url: receiver.tracesUrl, headers: { authorization: "Bearer otel-secret", "x-team": "search" } },
    ];
    const put = await t.managementSend("PUT", "/gateways/default", {
      ...REQUIRED,
      authentication: true,
      otel,
    });
    expect(put.status).toBe(200);
    expect(JSON.stringify(put.body)).not.toContain("otel-secret");

    const shown = (await t.management("/gateways/default")).body.result as { otel: unknown };
    expect(shown.otel).toEqual([
      { url: receiver.tracesUrl, headers: { authorization: "[redacted]", "x-team": "[redacted]" } },
    ]);
    // A get-edit-put round trip sends the placeholders back: the stored values stay.
    const again = await t.managementSend("PUT", "/gateways/default", {
      ...REQUIRED,
      authentication: true,
      otel: shown.otel,
    });
    expect(again.status).toBe(200);
  });

  it("sends a span per request with the GenAI conventions and the configured headers", async () => {
    const before = receiver.received.length;
    const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-test",
        "content-type": "application/json",
        "cf-aig-metadata": JSON.stringify({ team: "search", "gen_ai.fake": "hidden", tier: 2 }),
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    const log = await t.waitForLog(logId);

    const [exported] = (await receiver.waitFor(before + 1)).slice(before);
    expect(exported?.path).toBe("/v1/traces");
    expect(exported?.contentType).toBe("application/json");
    expect(exported?.headers.authorization).toBe("Bearer otel-secret");
    expect(exported?.headers["x-team"]).toBe("search");

    const body = JSON.parse(exported?.body.toString("utf8") ?? "{}");
    const resource = body.resourceSpans[0].resource;
    expect(resource.attributes).toEqual([{ key: "service.name", value: { stringValue: "ai-gateway" } }]);
    const spans: OtlpJsonSpan[] = body.resourceSpans[0].scopeSpans[0].spans;
    expect(spans).toHaveLength(1);
    const [span] = spans as [OtlpJsonSpan];
    expect(span.traceId).toBe(logId.replaceAll("-", ""));
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.name).toBe("chat gpt-4o-mini");
    expect(span.kind).toBe(3);
    expect(BigInt(span.startTimeUnixNano)).toBe(BigInt(Date.parse(String(log.created_at))) * 1_000_000n);
    expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
    expect(span.status).toEqual({});
    expect(attributesOf(span)).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.system": "openai",
      "gen_ai.provider.name": "openai",
      "gen_ai.model.provider": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": String(log.tokens_in),
      "gen_ai.usage.output_tokens": String(log.tokens_out),
      ...(typeof log.cost === "number" ? { "gen_ai.usage.cost": log.cost } : {}),
      "http.request.method": "POST",
      "http.response.status_code": "200",
      "ai_gateway.gateway_id": "default",
      "ai_gateway.log_id": logId,
      "ai_gateway.event_id": log.event_id,
      "ai_gateway.cached": false,
      "ai_gateway.time_to_first_byte_ms": expect.any(Number),
      team: "search",
      tier: "2",
    });
  });
});
