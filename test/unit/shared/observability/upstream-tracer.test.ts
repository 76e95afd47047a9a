import { Tracer } from "@aws-lambda-powertools/tracer";
import { describe, expect, it, vi } from "vitest";
import { gatewayObserver } from "../../../../shared/observability/gateway-observer.ts";
import { traceInvocation } from "../../../../shared/observability/gateway-telemetry.ts";
import type { RequestMetrics } from "../../../../shared/observability/request-metrics.ts";
import { annotationKey, startUpstreamSpan } from "../../../../shared/observability/upstream-tracer.ts";
import type { LogEvent } from "../../../../shared/schemas/log-event.ts";

const event = {
  id: "log-1",
  gateway_id: "default",
  provider: "anthropic",
  model: "claude-sonnet-5-5",
  status_code: 200,
  tokens_in: 21,
  tokens_out: 8,
  error: null,
} as LogEvent;

/** What the X-Ray SDK's Subsegment records, kept in memory. */
interface RecordingSubsegment {
  name: string;
  namespace: string | undefined;
  annotations: Record<string, unknown>;
  metadata: Record<string, Record<string, unknown>>;
  flags: string[];
  closed: boolean;
  children: RecordingSubsegment[];
  addNewSubsegment(child: string): RecordingSubsegment;
  addAnnotation(key: string, value: unknown): void;
  addMetadata(key: string, value: unknown, namespace?: string): void;
  addFaultFlag(): void;
  addErrorFlag(): void;
  addThrottleFlag(): void;
  close(): void;
}

function recordingSubsegment(name: string): RecordingSubsegment {
  return {
    name,
    namespace: undefined,
    annotations: {},
    metadata: {},
    flags: [],
    closed: false,
    children: [],
    addNewSubsegment(child: string) {
      const subsegment = recordingSubsegment(child);
      this.children.push(subsegment);
      return subsegment;
    },
    addAnnotation(key: string, value: unknown) {
      this.annotations[key] = value;
    },
    addMetadata(key: string, value: unknown, namespace = "default") {
      this.metadata[namespace] ??= {};
      (this.metadata[namespace] as Record<string, unknown>)[key] = value;
    },
    addFaultFlag() {
      this.flags.push("fault");
    },
    addErrorFlag() {
      this.flags.push("error");
    },
    addThrottleFlag() {
      this.flags.push("throttle");
    },
    close() {
      this.closed = true;
    },
  };
}

/** A tracer that is on, whose current segment is `segment` (as on Lambda with active tracing). */
function enabledTracer(segment: RecordingSubsegment) {
  let current: unknown = segment;
  return {
    isTracingEnabled: () => true,
    getSegment: () => current,
    setSegment: (next: unknown) => {
      current = next;
    },
    annotateColdStart: () => {},
    addServiceNameAnnotation: () => {},
    addErrorAsMetadata: () => {},
  } as unknown as Tracer;
}

describe("upstream span", () => {
  it("is a subsegment named after the provider, with the OpenTelemetry GenAI attributes", () => {
    const root = recordingSubsegment("## proxy");
    const span = startUpstreamSpan(enabledTracer(root), "anthropic");
    expect(root.children).toHaveLength(1);
    const upstream = root.children[0];
    expect(upstream?.closed).toBe(false);

    span.end(event);

    expect(upstream).toMatchObject({
      name: "upstream anthropic",
      namespace: "remote",
      closed: true,
      flags: [],
    });
    expect(upstream?.metadata.gen_ai).toEqual({
      "gen_ai.system": "anthropic",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-5-5",
      "gen_ai.usage.input_tokens": 21,
      "gen_ai.usage.output_tokens": 8,
      "http.response.status_code": 200,
    });
    // X-Ray annotation keys allow letters, digits and underscores only: the searchable copies.
    expect(upstream?.annotations).toMatchObject({
      gen_ai_request_model: "claude-sonnet-5-5",
      gen_ai_usage_input_tokens: 21,
      gen_ai_usage_output_tokens: 8,
      http_response_status_code: 200,
      log_id: "log-1",
    });
    for (const key of Object.keys(upstream?.annotations ?? {})) expect(key).toMatch(/^\w+$/);
  });

  it.each([
    [502, { code: 7009, message: "" }, "fault"],
    [503, null, "fault"],
    [429, null, "throttle"],
    [400, null, "error"],
  ] as const)("flags a %i response", (status, error, flag) => {
    const root = recordingSubsegment("## proxy");
    startUpstreamSpan(enabledTracer(root), "openai").end({ ...event, status_code: status, error });
    expect(root.children[0]?.flags).toEqual([flag]);
  });

  it("leaves out attributes the response does not have", () => {
    const root = recordingSubsegment("## proxy");
    startUpstreamSpan(enabledTracer(root), "openai").end({ ...event, tokens_in: null, tokens_out: null });
    expect(root.children[0]?.metadata.gen_ai).not.toHaveProperty("gen_ai.usage.input_tokens");
  });

  it("maps OpenTelemetry names to annotation keys", () => {
    expect(annotationKey("gen_ai.usage.input_tokens")).toBe("gen_ai_usage_input_tokens");
  });
});

describe("tracing off (not on Lambda)", () => {
  it("makes the tracer, the spans and the invocation wrapper no-ops that print nothing", async () => {
    vi.stubEnv("AWS_EXECUTION_ENV", "");
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    const tracer = new Tracer({ captureHTTPsRequests: false });
    expect(tracer.isTracingEnabled()).toBe(false);

    const result = await traceInvocation(tracer, "proxy", async () => {
      startUpstreamSpan(tracer, "openai").end(event);
      return "done";
    });

    expect(result).toBe("done");
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it("wraps an invocation in a `## name` subsegment when on, and restores the parent after", async () => {
    const root = recordingSubsegment("facade");
    const tracer = enabledTracer(root);
    await traceInvocation(tracer, "proxy", async () => {
      expect(tracer.getSegment()).toBe(root.children[0]);
      startUpstreamSpan(tracer, "openai").end(event);
    });
    expect(root.children[0]).toMatchObject({ name: "## proxy", closed: true });
    expect(root.children[0]?.children[0]).toMatchObject({ name: "upstream openai", closed: true });
    expect(tracer.getSegment()).toBe(root);
  });
});

describe("gatewayObserver", () => {
  it("closes the upstream span and records the metrics even when the span fails", () => {
    const recorded: LogEvent[] = [];
    const metrics = { record: (logged: LogEvent) => recorded.push(logged) } as unknown as RequestMetrics;
    const observer = gatewayObserver(metrics, enabledTracer(recordingSubsegment("## proxy")));
    const failing = {
      end: () => {
        throw new Error("span failed");
      },
    };
    expect(() => observer.requestCompleted(event, failing)).toThrow("span failed");
    expect(recorded).toEqual([event]);
  });
});
