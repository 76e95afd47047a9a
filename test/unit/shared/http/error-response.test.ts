import { describe, expect, it } from "vitest";
import { ERROR_CODES, GatewayError } from "../../../../shared/core/gateway-error.ts";
import { errorBody, errorResponse } from "../../../../shared/http/error-response.ts";

const badRequest = GatewayError.badRequest("Invalid cf-aig-collect-log header");
const hiddenFailure = new GatewayError({
  status: 500,
  code: ERROR_CODES.internal,
  message: "table xyz missing",
});

const markers = (error: GatewayError, message: string) => ({
  name: "AiGatewayError",
  internalCode: error.code,
  httpCode: error.status,
  message,
});

describe("errorBody", () => {
  it("writes the OpenAI shape with the AiGatewayError markers", () => {
    const body = errorBody(badRequest, "openai");

    expect(body).toEqual({
      error: {
        message: "Invalid cf-aig-collect-log header",
        type: "invalid_request_error",
        param: null,
        code: ERROR_CODES.invalidInput,
      },
      ...markers(badRequest, "Invalid cf-aig-collect-log header"),
    });
  });

  it("writes the Anthropic shape with the AiGatewayError markers", () => {
    const body = errorBody(badRequest, "anthropic");

    expect(body).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "Invalid cf-aig-collect-log header" },
      ...markers(badRequest, "Invalid cf-aig-collect-log header"),
    });
  });

  it("writes the Google shape with the AiGatewayError markers", () => {
    const body = errorBody(badRequest, "google");

    expect(body).toEqual({
      error: { code: 400, message: "Invalid cf-aig-collect-log header", status: "INVALID_ARGUMENT" },
      ...markers(badRequest, "Invalid cf-aig-collect-log header"),
    });
  });

  it("writes the Cloudflare v4 envelope without the markers", () => {
    const body = errorBody(badRequest, "cloudflare");

    expect(body).toEqual({
      success: false,
      errors: [{ code: ERROR_CODES.invalidInput, message: "Invalid cf-aig-collect-log header" }],
      messages: [],
      result: null,
    });
  });

  it.each([
    [401, "authentication_error", "authentication_error", "UNAUTHENTICATED"],
    [404, "not_found_error", "not_found_error", "NOT_FOUND"],
    [429, "rate_limit_error", "rate_limit_error", "RESOURCE_EXHAUSTED"],
    [502, "api_error", "api_error", "UNAVAILABLE"],
    [504, "api_error", "api_error", "DEADLINE_EXCEEDED"],
  ])("maps status %i to each dialect's error type", (status, openai, anthropic, google) => {
    const error = new GatewayError({ status, code: 7000, message: "m", expose: true });

    expect(errorBody(error, "openai")).toMatchObject({ error: { type: openai } });
    expect(errorBody(error, "anthropic")).toMatchObject({ error: { type: anthropic } });
    expect(errorBody(error, "google")).toMatchObject({ error: { code: status, status: google } });
  });

  it("falls back to a generic type for a status no table names", () => {
    const error = new GatewayError({ status: 418, code: 7000, message: "m" });

    expect(errorBody(error, "openai")).toMatchObject({ error: { type: "invalid_request_error" } });
    expect(errorBody(error, "anthropic")).toMatchObject({ error: { type: "api_error" } });
    expect(errorBody(error, "google")).toMatchObject({ error: { status: "UNKNOWN" } });
  });

  it.each(["openai", "anthropic", "google", "cloudflare"] as const)(
    "hides a 5xx message that is not exposed in the %s dialect",
    (dialect) => {
      const text = JSON.stringify(errorBody(hiddenFailure, dialect));

      expect(text).toContain("Internal gateway error");
      expect(text).not.toContain("table xyz missing");
    },
  );
});

describe("errorResponse", () => {
  it("answers with the error's status, a JSON content type and the extra headers", async () => {
    const response = errorResponse(GatewayError.notFound("Unknown gateway"), "openai", {
      "cf-aig-log-id": "log-1",
    });

    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cf-aig-log-id")).toBe("log-1");
    expect(await response.json()).toMatchObject({
      error: { message: "Unknown gateway", type: "not_found_error" },
      name: "AiGatewayError",
      httpCode: 404,
    });
  });

  it("hides the message of an internal error in the response body", async () => {
    const response = errorResponse(GatewayError.internal(new Error("secret detail")), "anthropic");

    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("secret detail");
  });
});
