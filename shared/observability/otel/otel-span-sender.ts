import type { StructuredLogger } from "../../core/structured-logger.ts";
import { TtlCache } from "../../core/ttl-cache.ts";
import type { UpstreamFetch } from "../../http/http-fetch.ts";
import type { UpstreamGuard } from "../../http/upstream-guard.ts";
import type { LogEvent } from "../../schemas/log-event.ts";
import type { OtelExporter } from "../../schemas/otel-exporters.ts";
import { otlpJsonBody } from "./otlp-json.ts";
import { otlpProtobufBody } from "./otlp-protobuf.ts";
import { requestSpanOf } from "./request-span.ts";

/** A collector gets this long to answer before the span batch is given up. */
const EXPORT_TIMEOUT_MS = 5_000;

export interface OtelSpanSenderOptions {
  /** A gateway's `otel` setting, as stored (null or empty: none). */
  exportersOf(accountId: string, gatewayId: string): Promise<OtelExporter[] | null | undefined>;
  /** The SSRF guard the proxy applies to user-supplied upstreams (upstream-guard.ts). */
  guard: UpstreamGuard;
  fetch: UpstreamFetch;
  logger: StructuredLogger;
  /** How long a gateway's exporters are cached (GATEWAY_SETTINGS_CACHE_TTL_MS). */
  cacheTtlMs?: number;
  timeoutMs?: number;
}

/**
 * Sends a span per stored log to the OTLP/HTTP exporters of its gateway's `otel` setting
 * (docs/observability.md), from the log-writer, after the logs are stored: never on the request path.
 * One POST per gateway and exporter for the batch's logs, with the exporter's headers, in OTLP/HTTP's JSON or
 * protobuf encoding as the exporter's `content_type` says.
 *
 * The endpoints are user-supplied, so each passes the upstream guard first: a host that is or resolves to a
 * private, loopback, link-local or reserved address is refused unless it is in TRUSTED_UPSTREAM_HOSTS, and
 * the call connects only to the addresses the guard checked (no DNS rebinding in between); redirects are
 * not followed. Export is best effort, as a collector is the customer's to run: a refused, failed or slow
 * export is logged (the URL's host and the status, never a header) and the logs stay stored; it never makes
 * the batch fail, which would send the logs round the queue and into the dead-letter queue because a
 * collector is down.
 */
export class OtelSpanSender {
  private readonly exporters: TtlCache<OtelExporter[]>;

  constructor(private readonly options: OtelSpanSenderOptions) {
    this.exporters = new TtlCache(options.cacheTtlMs ?? 30_000);
  }

  async send(events: LogEvent[]): Promise<void> {
    const byGateway = new Map<string, LogEvent[]>();
    for (const event of events) {
      const key = JSON.stringify([event.account_id, event.gateway_id]);
      const group = byGateway.get(key);
      if (group) group.push(event);
      else byGateway.set(key, [event]);
    }
    await Promise.all(
      [...byGateway.values()].map(async (group) => {
        const [first] = group as [LogEvent, ...LogEvent[]];
        const exporters = await this.exportersOf(first).catch((error: unknown) => {
          this.warn("gateway's otel setting not read; spans not sent", first, undefined, error);
          return [];
        });
        await Promise.all(exporters.map((exporter) => this.post(exporter, group)));
      }),
    );
  }

  private exportersOf(event: LogEvent): Promise<OtelExporter[]> {
    return this.exporters.get(
      JSON.stringify([event.account_id, event.gateway_id]),
      async () => (await this.options.exportersOf(event.account_id, event.gateway_id)) ?? [],
    );
  }

  private async post(exporter: OtelExporter, events: LogEvent[]): Promise<void> {
    const [first] = events as [LogEvent, ...LogEvent[]];
    try {
      const pin = await this.options.guard.check(exporter.url);
      if (pin?.failure) throw pin.failure;
      const spans = events.map(requestSpanOf);
      const protobuf = exporter.content_type === "protobuf";
      const headers = new Headers(exporter.headers);
      headers.set("content-type", protobuf ? "application/x-protobuf" : "application/json");
      const response = await this.options.fetch(exporter.url, {
        method: "POST",
        headers,
        body: protobuf ? otlpProtobufBody(spans) : new TextEncoder().encode(otlpJsonBody(spans)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? EXPORT_TIMEOUT_MS),
        redirect: "manual",
        ...(pin ? { pin } : {}),
      });
      await response.body?.cancel();
      if (!response.ok)
        this.warn("spans not accepted by the OTLP endpoint", first, exporter, response.status);
    } catch (error) {
      this.warn("spans not sent to the OTLP endpoint", first, exporter, error);
    }
  }

  /** Names the gateway and the endpoint's host, never its path (it may carry a token) or its headers. */
  private warn(message: string, event: LogEvent, exporter: OtelExporter | undefined, reason: unknown): void {
    this.options.logger.warn(message, {
      gateway_id: event.gateway_id,
      ...(exporter ? { otel_host: new URL(exporter.url).host } : {}),
      reason:
        typeof reason === "number"
          ? `HTTP ${reason}`
          : reason instanceof Error
            ? reason.message.slice(0, 300)
            : String(reason),
    });
  }
}
