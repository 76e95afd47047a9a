import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpFetch } from "../../../../../shared/http/http-fetch.ts";
import { UpstreamGuard } from "../../../../../shared/http/upstream-guard.ts";
import { OtelSpanSender } from "../../../../../shared/observability/otel/otel-span-sender.ts";
import { otlpProtobufBody } from "../../../../../shared/observability/otel/otlp-protobuf.ts";
import { requestSpanOf } from "../../../../../shared/observability/otel/request-span.ts";
import type { OtelExporter } from "../../../../../shared/schemas/otel-exporters.ts";
import { logEvent } from "../../../../integration/logs/log-fixtures.ts";
import { type OtlpReceiver, startOtlpReceiver } from "../../../../support/otlp-receiver.ts";
import { recordingLogger } from "../../../../support/recording-logger.ts";

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
});

const SECRET = "Bearer collector-secret";

function sender(exporters: Record<string, OtelExporter[]>, trusted: string[] = ["127.0.0.1"]) {
  const logger = recordingLogger();
  const lookups: string[] = [];
  const spans = new OtelSpanSender({
    exportersOf: async (_, gatewayId) => {
      lookups.push(gatewayId);
      return exporters[gatewayId];
    },
    guard: new UpstreamGuard(trusted),
    fetch: createHttpFetch(),
    logger,
  });
  return { spans, logger, lookups };
}

describe("OtelSpanSender", () => {
  it("posts one OTLP JSON request per gateway and exporter, with its headers, for the batch's logs", async () => {
    const { spans } = sender({
      a: [{ url: receiver.tracesUrl, headers: { authorization: SECRET } }],
      b: [{ url: receiver.tracesUrl, headers: {} }],
    });
    await spans.send([
      logEvent({ gateway_id: "a" }),
      logEvent({ gateway_id: "a" }),
      logEvent({ gateway_id: "b" }),
      logEvent({ gateway_id: "none" }),
    ]);
    const counts = receiver.received
      .map((request) => ({
        authorization: request.headers.authorization ?? null,
        spans: JSON.parse(request.body.toString()).resourceSpans[0].scopeSpans[0].spans.length,
      }))
      .sort((left, right) => right.spans - left.spans);
    expect(counts).toEqual([
      { authorization: SECRET, spans: 2 },
      { authorization: null, spans: 1 },
    ]);
  });

  it("sends OTLP protobuf to an exporter whose content_type is protobuf", async () => {
    const { spans } = sender({ a: [{ url: receiver.tracesUrl, headers: {}, content_type: "protobuf" }] });
    const event = logEvent({ gateway_id: "a" });
    await spans.send([event]);
    expect(receiver.received.map((request) => request.contentType)).toEqual(["application/x-protobuf"]);
    expect(receiver.received[0]?.body.toString("hex")).toBe(
      Buffer.from(otlpProtobufBody([requestSpanOf(event)])).toString("hex"),
    );
  });

  it("reads a gateway's setting once while it is cached", async () => {
    const { spans, lookups } = sender({ a: [] });
    await spans.send([logEvent({ gateway_id: "a" })]);
    await spans.send([logEvent({ gateway_id: "a" })]);
    expect(lookups).toEqual(["a"]);
  });

  it("refuses an endpoint on a private address that is not trusted, without calling it, and says so without the headers", async () => {
    const { spans, logger } = sender(
      { a: [{ url: receiver.tracesUrl, headers: { authorization: SECRET } }] },
      [],
    );
    await spans.send([logEvent({ gateway_id: "a" })]);
    expect(receiver.received).toEqual([]);
    expect(logger.lines).toEqual([
      {
        level: "warn",
        message: "spans not sent to the OTLP endpoint",
        attributes: {
          gateway_id: "a",
          otel_host: new URL(receiver.tracesUrl).host,
          reason: expect.stringMatching(/is or resolves to an address that is not public/),
        },
      },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain("collector-secret");
  });

  it("logs an endpoint's refusal and an unreachable endpoint, and never throws", async () => {
    const { spans, logger } = sender({
      a: [
        { url: `${receiver.tracesUrl}-wrong-path`, headers: { "x-api-key": "k-secret" } },
        { url: "http://127.0.0.1:1/v1/traces", headers: {} },
      ],
    });
    await expect(spans.send([logEvent({ gateway_id: "a" })])).resolves.toBeUndefined();
    expect(logger.lines.map((line) => [line.message, line.attributes.reason]).sort()).toEqual([
      ["spans not accepted by the OTLP endpoint", "HTTP 404"],
      ["spans not sent to the OTLP endpoint", expect.stringMatching(/ECONNREFUSED/)],
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain("k-secret");
  });
});
