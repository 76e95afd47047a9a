import { describe, expect, it } from "vitest";
import { ERROR_CODES, GatewayError, toGatewayError } from "../../../../shared/core/gateway-error.ts";

describe("GatewayError", () => {
  it("exposes the message of a 4xx by default", () => {
    const error = new GatewayError({ status: 400, code: ERROR_CODES.invalidInput, message: "bad header" });

    expect(error.expose).toBe(true);
    expect(error.publicMessage).toBe("bad header");
  });

  it("hides the message of a 5xx by default", () => {
    const error = new GatewayError({
      status: 502,
      code: ERROR_CODES.upstreamUnavailable,
      message: "secret host",
    });

    expect(error.expose).toBe(false);
    expect(error.publicMessage).toBe("Internal gateway error");
  });

  it("shows the message of a 5xx marked safe to expose", () => {
    const error = new GatewayError({
      status: 504,
      code: ERROR_CODES.upstreamTimeout,
      message: "The provider did not answer within 100 ms",
      expose: true,
    });

    expect(error.publicMessage).toBe("The provider did not answer within 100 ms");
  });

  it("is not retryable unless marked so", () => {
    const plain = GatewayError.badRequest("x");
    const retryable = new GatewayError({ status: 502, code: 7009, message: "x", retryable: true });

    expect(plain.retryable).toBe(false);
    expect(retryable.retryable).toBe(true);
  });

  it.each([
    ["badRequest", GatewayError.badRequest("m"), 400, ERROR_CODES.invalidInput],
    ["notFound", GatewayError.notFound("m"), 404, ERROR_CODES.notFound],
    ["unauthorized", GatewayError.unauthorized(), 401, ERROR_CODES.unauthorized],
  ])("%s carries its status and code", (_, error, status, code) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("GatewayError");
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });

  it("says Unauthorized when no message is given", () => {
    expect(GatewayError.unauthorized().message).toBe("Unauthorized");
  });

  it("internal wraps an unknown error as a hidden 500 that keeps the cause", () => {
    const cause = new TypeError("cannot read properties of undefined");

    const error = GatewayError.internal(cause);

    expect(error.status).toBe(500);
    expect(error.code).toBe(ERROR_CODES.internal);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain("cannot read properties of undefined");
    expect(error.publicMessage).toBe("Internal gateway error");
  });

  it("internal wraps a thrown value that is not an Error", () => {
    const error = GatewayError.internal("plain string");

    expect(error.status).toBe(500);
    expect(error.message).toBe("plain string");
    expect(error.cause).toBe("plain string");
  });
});

describe("toGatewayError", () => {
  it("returns a GatewayError unchanged", () => {
    const original = GatewayError.notFound("gone");

    expect(toGatewayError(original)).toBe(original);
  });

  it("wraps anything else as an internal error", () => {
    const cause = new Error("boom");

    const error = toGatewayError(cause);

    expect(error.status).toBe(500);
    expect(error.cause).toBe(cause);
  });
});
