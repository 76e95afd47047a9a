import { describe, expect, it } from "vitest";
import { backoffMs, retryKind } from "../../../../shared/aws/aws-retry.ts";
import { SqsError } from "../../../../shared/queue/sqs-error.ts";

const sqsError = (code: string, statusCode: number, queryErrorCode?: string) =>
  new SqsError(code, "m", statusCode, statusCode < 500, queryErrorCode, undefined);
const networkError = (code: string) => Object.assign(new Error(code), { code });

describe("retryKind", () => {
  it.each([
    ["ThrottlingException", 400],
    ["RequestThrottled", 403],
    ["TooManyRequestsException", 400],
    ["SomethingElse", 429],
  ])("retries %s (%i) as throttling", (code, status) => {
    expect(retryKind(sqsError(code, status))).toBe("throttling");
  });

  it("retries as throttling when only SQS's query-compatible code says so", () => {
    expect(retryKind(sqsError("Unknown", 400, "RequestThrottled"))).toBe("throttling");
  });

  it.each([500, 502, 503, 504, 599])("retries a %i as transient", (status) => {
    expect(retryKind(sqsError("InternalError", status))).toBe("transient");
  });

  it.each(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"])("retries the network error %s", (code) => {
    expect(retryKind(networkError(code))).toBe("transient");
  });

  it("retries an attempt that timed out", () => {
    expect(retryKind(Object.assign(new Error("slow"), { name: "TimeoutError" }))).toBe("transient");
  });

  it.each([
    ["QueueDoesNotExist", 400],
    ["InvalidParameterValue", 400],
    ["AccessDenied", 403],
    ["SignatureDoesNotMatch", 403],
  ])("does not retry the client error %s (%i)", (code, status) => {
    expect(retryKind(sqsError(code, status))).toBeUndefined();
  });

  it("does not retry an unknown host or a plain error", () => {
    expect(retryKind(networkError("ENOTFOUND"))).toBeUndefined();
    expect(retryKind(new Error("bug"))).toBeUndefined();
    expect(retryKind("string")).toBeUndefined();
  });
});

describe("backoffMs", () => {
  it("waits a random time up to 100 ms x 2^failures, 500 ms x 2^failures for throttling", () => {
    expect(backoffMs("transient", 1, () => 0.999)).toBe(199);
    expect(backoffMs("transient", 2, () => 0.5)).toBe(200);
    expect(backoffMs("throttling", 1, () => 0.999)).toBe(999);
    expect(backoffMs("transient", 1, () => 0)).toBe(0);
  });

  it("never waits more than 20 seconds", () => {
    expect(backoffMs("throttling", 30, () => 0.999)).toBe(19_980);
  });
});
