import { describe, expect, it } from "vitest";
import { regionOfBaseUrl } from "../../../../infra/smoke/cloudwatch-checks.ts";
import { parseSmokeOptions } from "../../../../infra/smoke/smoke-options.ts";

const AWS_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/";

describe("the smoke command's options", () => {
  it("takes the account as local for a gateway on this machine, and the defaults for the rest", () => {
    expect(parseSmokeOptions(["--base-url", "http://127.0.0.1:8787", "--token", "t"])).toEqual({
      baseUrl: "http://127.0.0.1:8787",
      token: "t",
      accountId: "local",
      gatewayId: "default",
      model: "openai/gpt-4o-mini",
      stack: "AiGateway",
      metricsNamespace: "AiGateway",
      headers: {},
      logTimeoutMs: 30_000,
    });
  });

  it("needs the account on AWS, and drops the base URL's trailing slash", () => {
    expect(() => parseSmokeOptions(["--base-url", AWS_URL, "--token", "t"])).toThrow(/--account is required/);
    expect(
      parseSmokeOptions(["--base-url", AWS_URL, "--token", "t", "--account", "123456789012"]),
    ).toMatchObject({
      baseUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
      accountId: "123456789012",
    });
  });

  it("reads repeated --header NAME:VALUE and refuses other forms", () => {
    const options = ["--base-url", "http://localhost:8787", "--token", "t"];
    expect(parseSmokeOptions([...options, "--header", "X-A: 1", "--header", "x-b:two:2"])).toMatchObject({
      headers: { "x-a": "1", "x-b": "two:2" },
    });
    expect(() => parseSmokeOptions([...options, "--header", "novalue"])).toThrow(
      /--header must be NAME:VALUE/,
    );
  });

  it("refuses an unknown option and a bad log timeout", () => {
    expect(() => parseSmokeOptions(["--base-url", "http://localhost", "--token", "t", "--colour"])).toThrow(
      /--colour/,
    );
    expect(() =>
      parseSmokeOptions(["--base-url", "http://localhost", "--token", "t", "--log-timeout", "soon"]),
    ).toThrow(/--log-timeout/);
  });
});

describe("regionOfBaseUrl", () => {
  it("reads the region of an API Gateway URL, and none elsewhere", () => {
    expect(regionOfBaseUrl(AWS_URL)).toBe("eu-west-1");
    expect(regionOfBaseUrl("http://127.0.0.1:8787")).toBeUndefined();
    expect(regionOfBaseUrl("https://gateway.example.com/prod")).toBeUndefined();
  });
});
