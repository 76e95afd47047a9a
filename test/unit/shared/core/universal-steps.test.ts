import { describe, expect, it } from "vitest";
import { MAX_UNIVERSAL_STEPS, parseUniversalSteps } from "../../../../shared/core/universal-steps.ts";

const step = { provider: "openai", endpoint: "chat/completions", headers: {}, query: { model: "m" } };

describe("parseUniversalSteps", () => {
  it("turns step config into the cf-aig headers it stands for", () => {
    const [parsed] = parseUniversalSteps([
      {
        ...step,
        endpoint: "/chat/completions",
        headers: { Authorization: "Bearer k" },
        config: { requestTimeout: 1000, maxAttempts: 3, retryDelay: 50, backoff: "linear" },
      },
    ]);
    expect(parsed).toMatchObject({
      endpoint: "chat/completions",
      headers: { authorization: "Bearer k" },
      configHeaders: {
        "cf-aig-request-timeout": "1000",
        "cf-aig-max-attempts": "3",
        "cf-aig-retry-delay": "50",
        "cf-aig-backoff": "linear",
      },
    });
  });

  it.each([
    [{ steps: [step] }, "must be a JSON array"],
    [[], "empty"],
    [Array.from({ length: MAX_UNIVERSAL_STEPS + 1 }, () => step), `at most ${MAX_UNIVERSAL_STEPS}`],
    [["x"], "step 0 must be an object"],
    [[step, { ...step, provider: undefined }], 'step 1 is missing "provider"'],
    [[{ ...step, provider: "Open AI" }], "invalid provider"],
    [[{ ...step, endpoint: "" }], 'step 0 is missing "endpoint"'],
    [[{ ...step, query: undefined }], 'step 0 is missing "query"'],
    [[{ ...step, headers: [] }], '"headers" must be an object'],
    [[{ ...step, headers: { a: {} } }], 'header "a" must be a string'],
    [[{ ...step, config: { maxAttempts: 6 } }], "config.maxAttempts must be a whole number from 1 to 5"],
    [[{ ...step, config: { retryDelay: 9000 } }], "config.retryDelay"],
    [[{ ...step, config: { backoff: "random" } }], "config.backoff"],
    [[{ ...step, config: { retries: 2 } }], 'unknown key "retries"'],
  ])("refuses %j naming the problem", (body, message) => {
    expect(() => parseUniversalSteps(body)).toThrow(message);
  });
});
