import { describe, expect, it } from "vitest";
import { tracingPossible } from "../../../../shared/observability/gateway-telemetry.ts";

describe("tracingPossible (whether the Powertools Tracer is loaded at all)", () => {
  it("is false off Lambda, where the Tracer would turn itself off", () => {
    expect(tracingPossible({})).toBe(false);
    expect(tracingPossible({ POWERTOOLS_TRACE_ENABLED: "true" })).toBe(false);
  });

  it("is true on Lambda unless POWERTOOLS_TRACE_ENABLED is false", () => {
    expect(tracingPossible({ AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" })).toBe(true);
    expect(
      tracingPossible({ AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x", POWERTOOLS_TRACE_ENABLED: "FALSE" }),
    ).toBe(false);
  });

  it("is false under SAM local and the Amplify mock, as the Tracer's own rule says", () => {
    expect(tracingPossible({ AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x", AWS_SAM_LOCAL: "true" })).toBe(
      false,
    );
    expect(tracingPossible({ AWS_EXECUTION_ENV: "AWS_Lambda_amplify-mock" })).toBe(false);
  });
});
