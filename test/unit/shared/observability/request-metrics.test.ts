import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DIMENSIONS,
  errorClassOf,
  METRIC_NAMES,
  RequestMetrics,
} from "../../../../shared/observability/request-metrics.ts";
import type { LogEvent } from "../../../../shared/schemas/log-event.ts";

const event: LogEvent = {
  id: "0190a5c4-0000-7000-8000-000000000001",
  account_id: "acct",
  gateway_id: "default",
  created_at: "2026-11-25T16:00:00.000Z",
  provider: "openai",
  model: "gpt-4o-mini",
  path: "/v1/acct/default/openai/chat/completions",
  method: "POST",
  status_code: 200,
  success: true,
  cached: false,
  duration: 812.5,
  time_to_first_byte: 230.25,
  provider_wait: 805,
  gateway_overhead: 7.5,
  cost: 0.00042,
  tokens_in: 12,
  tokens_out: 34,
  cache_read_tokens: null,
  cache_write_tokens: null,
  metadata: null,
  event_id: "0190a5c4-0000-7000-8000-000000000001",
  request_id: "0190a5c4-0000-7000-8000-000000000001",
  request_content_type: "application/json",
  response_content_type: "application/json",
  request_size: 100,
  response_size: 200,
  user_agent: "test",
  client_aborted: false,
  error: null,
  request_body: null,
  response_body: null,
};

interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [key: string]: unknown;
}

const VALID_UNITS = new Set(["Count", "Milliseconds", "None"]);

/**
 * Checks one line against the EMF specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * a root `_aws` with an integer Timestamp and one metric directive; every dimension and metric it names is
 * a root member, dimensions strings, metrics numbers.
 */
function parseEmf(line: string): EmfDocument {
  const document = JSON.parse(line) as EmfDocument;
  expect(Number.isInteger(document._aws.Timestamp)).toBe(true);
  expect(Math.abs(document._aws.Timestamp - Date.now())).toBeLessThan(60_000);
  expect(document._aws.CloudWatchMetrics).toHaveLength(1);
  const [directive] = document._aws.CloudWatchMetrics;
  if (!directive) throw new Error("no metric directive");
  expect(typeof directive.Namespace).toBe("string");
  expect(directive.Dimensions.length).toBeGreaterThan(0);
  for (const set of directive.Dimensions) {
    expect(set.length).toBeLessThanOrEqual(30);
    for (const name of set) expect(typeof document[name], `dimension ${name}`).toBe("string");
  }
  expect(directive.Metrics.length).toBeGreaterThan(0);
  for (const metric of directive.Metrics) {
    expect(VALID_UNITS.has(metric.Unit), `${metric.Name} unit ${metric.Unit}`).toBe(true);
    expect(typeof document[metric.Name], `metric ${metric.Name}`).toBe("number");
  }
  return document;
}

describe("RequestMetrics", () => {
  let lines: string[];
  let requestMetrics: RequestMetrics;

  beforeEach(() => {
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    lines = [];
    // Powertools writes EMF through a Console over process.stdout: capture it there.
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk).trim());
      return true;
    });
    requestMetrics = new RequestMetrics(
      new Metrics({ namespace: "AiGatewayTest", serviceName: "ai-gateway-proxy" }),
    );
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it("emits one valid EMF blob for the request and one for its model", () => {
    requestMetrics.record(event);

    expect(lines).toHaveLength(2);
    const [request, model] = lines.map(parseEmf);
    expect(request?._aws.CloudWatchMetrics[0]?.Namespace).toBe("AiGatewayTest");
    expect(request?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      [DIMENSIONS.service, DIMENSIONS.gateway, DIMENSIONS.provider],
      [DIMENSIONS.service],
    ]);
    expect(request).toMatchObject({
      service: "ai-gateway-proxy",
      gateway: "default",
      provider: "openai",
      Requests: 1,
      ClientErrors: 0,
      ProviderErrors: 0,
      GatewayErrors: 0,
      RateLimited: 0,
      ClientAborted: 0,
      CacheHits: 0,
      Latency: 812.5,
      TimeToFirstByte: 230.25,
      ProviderWait: 805,
      GatewayOverhead: 7.5,
      TokensIn: 12,
      TokensOut: 34,
      Cost: 0.00042,
    });
    expect(request).not.toHaveProperty("model");
    const units = Object.fromEntries(
      (request?._aws.CloudWatchMetrics[0]?.Metrics ?? []).map((metric) => [metric.Name, metric.Unit]),
    );
    expect(units).toEqual({
      Requests: "Count",
      ClientErrors: "Count",
      ProviderErrors: "Count",
      GatewayErrors: "Count",
      RateLimited: "Count",
      ClientAborted: "Count",
      CacheHits: "Count",
      Latency: "Milliseconds",
      TimeToFirstByte: "Milliseconds",
      ProviderWait: "Milliseconds",
      GatewayOverhead: "Milliseconds",
      TokensIn: "Count",
      TokensOut: "Count",
      Cost: "None",
    });

    expect(model?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      [DIMENSIONS.service, DIMENSIONS.provider, DIMENSIONS.model],
    ]);
    expect(model).toMatchObject({
      service: "ai-gateway-proxy",
      provider: "openai",
      model: "gpt-4o-mini",
      SuccessfulRequests: 1,
      TokensIn: 12,
      TokensOut: 34,
      Cost: 0.00042,
    });
    expect(model).not.toHaveProperty("gateway");
  });

  it("leaves out figures the request does not have, and the model set for a failed request", () => {
    requestMetrics.record({
      ...event,
      status_code: 502,
      success: false,
      time_to_first_byte: null,
      tokens_in: null,
      tokens_out: null,
      cost: null,
      error: { code: 7009, message: "The provider could not be reached" },
    });

    expect(lines).toHaveLength(1);
    const request = parseEmf(lines[0] ?? "");
    expect(request).toMatchObject({ Requests: 1, GatewayErrors: 1, ProviderErrors: 0, ClientErrors: 0 });
    for (const name of [METRIC_NAMES.timeToFirstByte, METRIC_NAMES.tokensIn, METRIC_NAMES.cost]) {
      expect(request).not.toHaveProperty(name);
    }
  });

  it("parses an event queued before provider_wait, gateway_overhead and cost existed", () => {
    const { provider_wait: _wait, gateway_overhead: _overhead, cost: _cost, ...old } = event;
    requestMetrics.record(old);
    const request = parseEmf(lines[0] ?? "");
    expect(request).not.toHaveProperty(METRIC_NAMES.gatewayOverhead);
    expect(request).toMatchObject({ Requests: 1, Latency: 812.5 });
  });

  it("keeps client-controlled text out of the dimensions", () => {
    requestMetrics.record({
      ...event,
      provider: "no-such-provider",
      status_code: 404,
      success: false,
      error: { code: 7002, message: "Unknown provider" },
    });
    requestMetrics.record({ ...event, model: "a model name with spaces and ünïcode" });

    expect(lines).toHaveLength(2);
    expect(parseEmf(lines[0] ?? "")).toMatchObject({ provider: "unknown", GatewayErrors: 1 });
    // The second request's model is not a safe dimension value: no model blob for it.
    expect(parseEmf(lines[1] ?? "")).toMatchObject({ provider: "openai", Requests: 1 });
  });

  it("counts a log-pipeline failure on the service dimension", () => {
    requestMetrics.logPipelineFailure();
    const document = parseEmf(lines[0] ?? "");
    expect(document._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([[DIMENSIONS.service]]);
    expect(document).toMatchObject({ service: "ai-gateway-proxy", LogPipelineFailures: 1 });
  });

  it("counts a rate-limit check that failed open on the service dimension", () => {
    requestMetrics.rateLimitFailOpen();
    const document = parseEmf(lines[0] ?? "");
    expect(document._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([[DIMENSIONS.service]]);
    expect(document).toMatchObject({ service: "ai-gateway-proxy", RateLimitFailOpen: 1 });
  });

  it("prints nothing when POWERTOOLS_METRICS_DISABLED is true", () => {
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
    const disabled = new RequestMetrics(new Metrics({ namespace: "AiGatewayTest" }));
    disabled.record(event);
    disabled.logPipelineFailure();
    expect(lines).toEqual([]);
  });
});

describe("errorClassOf", () => {
  it.each([
    ["a success", { status_code: 200, error: null }, null],
    ["a provider 4xx passed through", { status_code: 400, error: null }, "client_error"],
    ["a provider 429 passed through", { status_code: 429, error: null }, "client_error"],
    ["a provider 5xx passed through", { status_code: 503, error: null }, "provider_error"],
    ["the gateway's 502", { status_code: 502, error: { code: 7009, message: "" } }, "gateway_error"],
    ["the gateway's 504", { status_code: 504, error: { code: 7010, message: "" } }, "gateway_error"],
    ["the gateway's 413", { status_code: 413, error: { code: 7004, message: "" } }, "gateway_error"],
    ["a stream cut mid-way", { status_code: 200, error: { code: 7009, message: "" } }, "gateway_error"],
    ["the gateway's 429", { status_code: 429, error: { code: 2003, message: "" } }, "rate_limited"],
  ] as const)("classifies %s", (_, fields, expected) => {
    expect(errorClassOf({ ...event, ...fields })).toBe(expected);
  });
});
