import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { parseProviderPath } from "../../../../shared/core/proxy-path.ts";

function thrownBy(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected the call to throw");
}

describe("parseProviderPath", () => {
  it("splits the account, gateway, provider and rest of the path", () => {
    const path = parseProviderPath("/v1/acct123/my-gateway/openai/chat/completions");

    expect(path).toEqual({
      accountId: "acct123",
      gatewayId: "my-gateway",
      providerSlug: "openai",
      restPath: "chat/completions",
    });
  });

  it("keeps the rest of the path percent-encoded", () => {
    const path = parseProviderPath("/v1/a/g/aws-bedrock/bedrock-runtime/us-east-1/model/x%3A0/converse");

    expect(path.restPath).toBe("bedrock-runtime/us-east-1/model/x%3A0/converse");
  });

  it("gives an empty rest for a path that ends at the provider", () => {
    const path = parseProviderPath("/v1/a/g/openai");

    expect(path.providerSlug).toBe("openai");
    expect(path.restPath).toBe("");
  });

  it("percent-decodes the gateway id", () => {
    const path = parseProviderPath("/v1/a/my%2Dgateway%5F1/openai/models");

    expect(path.gatewayId).toBe("my-gateway_1");
  });

  it("accepts a gateway id of 64 characters", () => {
    const id = "g".repeat(64);

    expect(parseProviderPath(`/v1/a/${id}/openai/x`).gatewayId).toBe(id);
  });

  it("refuses a gateway id over 64 characters with a 400", () => {
    const error = thrownBy(() => parseProviderPath(`/v1/a/${"g".repeat(65)}/openai/x`));

    expect(error.status).toBe(400);
  });

  it.each([
    ["a dot", "my.gateway"],
    ["a space", "my%20gateway"],
    ["an encoded slash", "a%2Fb"],
    ["a leading hyphen", "-gateway"],
    ["a non-ASCII letter", "caf%C3%A9"],
  ])("refuses a gateway id with %s with a 400", (_, id) => {
    const error = thrownBy(() => parseProviderPath(`/v1/a/${id}/openai/x`));

    expect(error.status).toBe(400);
  });

  it("keeps a malformed percent sequence undecoded and refuses it with a 400", () => {
    const error = thrownBy(() => parseProviderPath("/v1/a/bad%E0%A4%A/openai/x"));

    expect(error.status).toBe(400);
  });

  it.each(["/v1/a/g", "/v1/a/g/"])("refuses %s, which names no provider, with a 404", (pathname) => {
    const error = thrownBy(() => parseProviderPath(pathname));

    expect(error.status).toBe(404);
  });

  it.each(["/v2/a/g/openai/x", "/v1", "/v1/", "/v1/a", "v1/a/g/openai"])(
    "refuses %s, which is not a provider route, with a 404",
    (pathname) => {
      const error = thrownBy(() => parseProviderPath(pathname));

      expect(error.status).toBe(404);
    },
  );
});
