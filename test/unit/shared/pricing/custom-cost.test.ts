import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { customCostOf, parseCustomCost } from "../../../../shared/pricing/custom-cost.ts";

function refusal(header: string): GatewayError {
  try {
    parseCustomCost(header);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error(`accepted ${header}`);
}

describe("parseCustomCost", () => {
  it.each([null, undefined, "", "   "])("is null without a header (%s)", (header) => {
    expect(parseCustomCost(header)).toBeNull();
  });

  it("reads the two rates, and defaults both cache rates to the input rate", () => {
    expect(parseCustomCost('{"per_token_in":0.000001,"per_token_out":0.000002}')).toEqual({
      perTokenIn: 0.000001,
      perTokenOut: 0.000002,
      perCacheReadToken: 0.000001,
      perCacheWriteToken: 0.000001,
    });
  });

  it("defaults only the omitted cache rate", () => {
    expect(
      parseCustomCost('{"per_token_in":1e-6,"per_token_out":2e-6,"per_cache_read_token":1e-7}'),
    ).toMatchObject({ perCacheReadToken: 1e-7, perCacheWriteToken: 1e-6 });
    expect(
      parseCustomCost('{"per_token_in":1e-6,"per_token_out":2e-6,"per_cache_write_token":3e-6}'),
    ).toMatchObject({ perCacheReadToken: 1e-6, perCacheWriteToken: 3e-6 });
  });

  it("accepts any number of decimals, as numbers or as decimal strings, and zero", () => {
    expect(
      parseCustomCost('{"per_token_in":"0.000000000123456789","per_token_out":0.00000000000000001}'),
    ).toMatchObject({ perTokenIn: 0.000000000123456789, perTokenOut: 1e-17 });
    expect(parseCustomCost('{"per_token_in":0,"per_token_out":0}')).toMatchObject({ perTokenIn: 0 });
  });

  it.each([
    ["not JSON", "per_token_in=1"],
    ["an array", "[1,2]"],
    ["a number", "5"],
    ["missing per_token_out", '{"per_token_in":1e-6}'],
    ["missing per_token_in", '{"per_token_out":1e-6}'],
    ["a negative rate", '{"per_token_in":-1,"per_token_out":1}'],
    ["a non-numeric string", '{"per_token_in":"cheap","per_token_out":1}'],
    ["a boolean", '{"per_token_in":true,"per_token_out":1}'],
    ["null", '{"per_token_in":null,"per_token_out":1}'],
    ["a bad cache rate", '{"per_token_in":1,"per_token_out":1,"per_cache_read_token":-0.1}'],
    ["an unknown field", '{"per_token_in":1,"per_token_out":1,"per_cache_read_tokens":0.1}'],
  ])("refuses %s with a 400 that names the header", (_case, header) => {
    const error = refusal(header);
    expect(error.status).toBe(400);
    expect(error.message).toContain("cf-aig-custom-cost");
  });
});

describe("customCostOf", () => {
  it("reads the header from request headers, and never throws", () => {
    const headers = new Headers({ "cf-aig-custom-cost": '{"per_token_in":1e-6,"per_token_out":2e-6}' });
    expect(customCostOf(headers)?.perTokenOut).toBe(2e-6);
    expect(customCostOf(new Headers())).toBeNull();
    expect(customCostOf(new Headers({ "cf-aig-custom-cost": "{oops" }))).toBeNull();
  });
});
