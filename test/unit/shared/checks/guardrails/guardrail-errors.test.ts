import { describe, expect, it } from "vitest";
import {
  guardrailBlocked,
  guardrailScannerUnavailable,
} from "../../../../../shared/checks/guardrails/guardrail-errors.ts";

describe("guardrail errors (reference 8.3)", () => {
  it.each([
    ["prompt", "/v1/acct/gw/openai/chat/completions", 424, 2016],
    ["response", "/v1/acct/gw/openai/chat/completions", 424, 2017],
    ["prompt", "/v1/acct/gw/compat/chat/completions", 424, 2016],
    ["prompt", "/client/v4/accounts/acct/ai/v1/chat/completions", 424, 2016],
    ["prompt", "/client/v4/accounts/acct/ai/run/@cf/meta/llama-3.1-8b-instruct", 422, 2017],
    ["response", "/client/v4/accounts/acct/ai/run", 422, 2017],
  ] as const)("a blocked %s on %s is %i with code %i", (phase, path, status, code) => {
    const error = guardrailBlocked(phase, ["S1", "P1"], path);
    expect({ status: error.status, code: error.code }).toEqual({ status, code });
    expect(error.publicMessage).toContain("S1, P1");
  });

  it("answers 503/7013 with a message a client may read when the scanner is unavailable", () => {
    const error = guardrailScannerUnavailable("response");
    expect({ status: error.status, code: error.code, retryable: error.retryable }).toEqual({
      status: 503,
      code: 7013,
      retryable: true,
    });
    expect(error.publicMessage).toMatch(/scanner is unavailable/);
  });
});
