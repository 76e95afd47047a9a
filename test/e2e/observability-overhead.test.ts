import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DIMENSIONS, METRIC_NAMES } from "../../shared/observability/request-metrics.ts";
import { MOCK_TEXT } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * Gateway overhead and metrics end to end: the local runtime's real proxy handler, with EMF turned on
 * (POWERTOOLS_METRICS_DISABLED=false) and stdout captured, against the mock upstream.
 */
let t: TestGateway;
const emfLines: Record<string, unknown>[] = [];
const write = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = String(chunk);
    if (text.startsWith('{"_aws"')) {
      emfLines.push(JSON.parse(text) as Record<string, unknown>);
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
  t = await startTestGateway({
    POWERTOOLS_METRICS_DISABLED: "false",
    POWERTOOLS_METRICS_NAMESPACE: "AiGatewayE2e",
  });
  // The first request of a process creates the default gateway and fills the caches: a cold start, not
  // the steady overhead measured below.
  await openai().chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Hi" }],
  });
});

afterAll(async () => {
  await t.stop();
  vi.restoreAllMocks();
});

function openai(headers: Record<string, string> = {}) {
  return new OpenAI({
    apiKey: "sk-test-openai",
    baseURL: t.providerUrl("openai"),
    defaultHeaders: { ...t.gatewayAuth, ...headers },
    maxRetries: 0,
  });
}

/** The EMF blob of one request: its gateway/provider dimension set, identified by its latency value. */
async function requestBlob(duration: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const blob = emfLines.find((line) => line[METRIC_NAMES.latency] === duration);
    if (blob) return blob;
    if (Date.now() > deadline) throw new Error(`no EMF line with Latency ${duration}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("gateway overhead and metrics of a request", () => {
  it("logs the provider's wait and a small, non-negative overhead for a stream with 200 ms gaps", async () => {
    const chunks = 6;
    const { data: stream, response } = await openai({
      "x-mock-chunk-delay-ms": "200",
      "x-mock-chunks": String(chunks),
    })
      .chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text.length).toBeGreaterThan(0);

    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    const duration = log.duration as number;
    const providerWait = log.provider_wait as number;
    const overhead = log.gateway_overhead as number;
    // The provider spaced its writes 200 ms apart: nearly all of the duration is waiting on it.
    expect(providerWait).toBeGreaterThanOrEqual(200 * (chunks - 1));
    expect(overhead).toBeGreaterThanOrEqual(0);
    expect(overhead).toBeCloseTo(duration - providerWait, 1);
    // Generous on purpose (a loaded CI machine): a quarter of the provider's gaps at most; it is a few
    // milliseconds on an idle machine.
    expect(overhead).toBeLessThan(0.25 * 200 * (chunks - 1));

    const blob = await requestBlob(duration);
    expect(blob).toMatchObject({
      [DIMENSIONS.service]: expect.any(String),
      [DIMENSIONS.gateway]: "default",
      [DIMENSIONS.provider]: "openai",
      Requests: 1,
      ClientErrors: 0,
      GatewayErrors: 0,
      ProviderWait: providerWait,
      GatewayOverhead: overhead,
      TokensIn: log.tokens_in,
      TokensOut: log.tokens_out,
    });
    const directive = (blob._aws as { CloudWatchMetrics: Array<Record<string, unknown>> })
      .CloudWatchMetrics[0];
    expect(directive).toMatchObject({
      Namespace: "AiGatewayE2e",
      Dimensions: [[DIMENSIONS.service, DIMENSIONS.gateway, DIMENSIONS.provider], [DIMENSIONS.service]],
    });
    // And the model's own small set, for this successful response.
    expect(emfLines).toContainEqual(
      expect.objectContaining({ provider: "openai", model: "gpt-4o-mini", SuccessfulRequests: 1 }),
    );
  });

  it("classifies a provider error and a gateway error, and logs overhead for both", async () => {
    const failing = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-test-openai",
        "content-type": "application/json",
        "x-mock-status": "503",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
    });
    expect(failing.status).toBe(503);
    const providerLog = await t.waitForLog(failing.headers.get("cf-aig-log-id") ?? "");
    expect(providerLog.gateway_overhead).toBeGreaterThanOrEqual(0);
    expect(await requestBlob(providerLog.duration as number)).toMatchObject({
      ProviderErrors: 1,
      GatewayErrors: 0,
    });

    const unknown = await fetch(`${t.providerUrl("no-such-provider")}/chat`, {
      method: "POST",
      headers: { ...t.gatewayAuth, "content-type": "application/json" },
      body: "{}",
    });
    expect(unknown.status).toBe(404);
    const gatewayLog = await t.waitForLog(unknown.headers.get("cf-aig-log-id") ?? "");
    expect(gatewayLog).toMatchObject({ provider_wait: 0 });
    expect(await requestBlob(gatewayLog.duration as number)).toMatchObject({
      provider: "unknown",
      GatewayErrors: 1,
    });
  });

  it("returns the response unchanged", async () => {
    const completion = await openai().chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe(MOCK_TEXT);
  });
});
