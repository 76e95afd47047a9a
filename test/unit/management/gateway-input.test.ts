import { describe, expect, it } from "vitest";
import { parseInput } from "../../../shared/management/request-input.ts";
import { defaultGateway } from "../../../shared/schemas/gateway.ts";
import {
  applyGatewayInput,
  gatewayCreateInputSchema,
  gatewayUpdateInputSchema,
  UNSUPPORTED_GATEWAY_FIELDS,
} from "../../../shared/schemas/gateway-input.ts";

const required = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
};
const now = new Date("2026-03-01T00:00:00Z");
const create = (body: Record<string, unknown>) =>
  parseInput(gatewayCreateInputSchema, body, { unsupported: UNSUPPORTED_GATEWAY_FIELDS });

describe("gateway create input", () => {
  it("needs the five fields reference 4.1 marks required, and defaults the others", () => {
    const gateway = applyGatewayInput("gw", create({ id: "gw", ...required }), undefined, now);
    expect(gateway).toEqual({
      id: "gw",
      ...required,
      rate_limiting_technique: "fixed",
      authentication: false,
      log_management: null,
      log_management_strategy: null,
      retry_max_attempts: null,
      retry_delay: null,
      retry_backoff: null,
      spend_limits: { enabled: false, rules: [] },
      created_at: "2026-03-01T00:00:00.000Z",
      modified_at: "2026-03-01T00:00:00.000Z",
    });
    expect(() => create({ id: "gw" })).toThrow(
      /cache_invalidate_on_update: is required \(boolean\); cache_ttl: is required/,
    );
  });

  it("refuses ids outside the documented set or over 64 characters", () => {
    for (const id of ["", "-lead", "has space", "a".repeat(65), "dollar$"]) {
      expect(() => create({ id, ...required })).toThrow(/id: must be 1-64 characters/);
    }
  });

  it("checks numbers against their ranges, and enums", () => {
    expect(() => create({ id: "gw", ...required, cache_ttl: -1 })).toThrow(/cache_ttl: Too small/);
    expect(() => create({ id: "gw", ...required, cache_ttl: 1.5 })).toThrow(
      /cache_ttl: Invalid input: expected int/,
    );
    expect(() => create({ id: "gw", ...required, retry_max_attempts: 6 })).toThrow(
      /retry_max_attempts: Too big/,
    );
    expect(() => create({ id: "gw", ...required, retry_delay: 60_001 })).toThrow(/retry_delay: Too big/);
    expect(() => create({ id: "gw", ...required, log_management: 9_999 })).toThrow(
      /log_management: Too small/,
    );
    expect(() => create({ id: "gw", ...required, rate_limiting_technique: "leaky" })).toThrow(
      /rate_limiting_technique: Invalid option/,
    );
  });

  it("refuses a rate limit without an interval", () => {
    expect(() => create({ id: "gw", ...required, rate_limiting_limit: 10 })).toThrow(
      "rate_limiting_interval: must be at least 1 when rate_limiting_limit is set",
    );
  });

  it("names unknown fields, and says that Cloudflare-only fields are not supported", () => {
    expect(() => create({ id: "gw", ...required, foo: 1 })).toThrow('Unknown field "foo"');
    expect(() => create({ id: "gw", ...required, dlp: { enabled: true } })).toThrow(
      'Field "dlp" is not supported by this gateway',
    );
  });

  it("accepts the read-only fields a client echoes back, and ignores them", () => {
    const input = create({ id: "gw", ...required, is_default: true, created_at: "x", modified_at: "y" });
    expect(applyGatewayInput("gw", input, undefined, now).created_at).toBe("2026-03-01T00:00:00.000Z");
  });
});

describe("spend limits input", () => {
  const rule = { limit: 10, limitType: "cost", window: 3600 };

  it("fills rule defaults and gives every rule an id", () => {
    const input = create({ id: "gw", ...required, spend_limits: { enabled: true, rules: [rule] } });
    const { spend_limits } = applyGatewayInput("gw", input, undefined, now);
    expect(spend_limits.rules[0]).toMatchObject({ ...rule, enabled: true, technique: "sliding" });
    expect(spend_limits.rules[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts the Terraform spellings limit_type and ai_gateway_provider", () => {
    const input = create({
      id: "gw",
      ...required,
      spend_limits: {
        rules: [
          {
            limit: 1,
            limit_type: "cost",
            window: 60,
            ai_gateway_provider: { mode: "filter", values: ["openai"] },
          },
        ],
      },
    });
    expect(input.spend_limits?.rules[0]).toMatchObject({
      limitType: "cost",
      provider: { values: ["openai"] },
    });
  });

  it("refuses more than 20 rules, repeated ids, bad windows and unknown dimension modes", () => {
    const many = Array.from({ length: 21 }, () => rule);
    expect(() => create({ id: "gw", ...required, spend_limits: { rules: many } })).toThrow(
      /spend_limits.rules: Too big/,
    );
    expect(() =>
      create({
        id: "gw",
        ...required,
        spend_limits: {
          rules: [
            { ...rule, id: "a" },
            { ...rule, id: "a" },
          ],
        },
      }),
    ).toThrow("rule ids must be unique");
    expect(() =>
      create({ id: "gw", ...required, spend_limits: { rules: [{ ...rule, window: 0 }] } }),
    ).toThrow(/spend_limits.rules.0.window: Too small/);
    expect(() =>
      create({
        id: "gw",
        ...required,
        spend_limits: { rules: [{ ...rule, metadata: { user: { mode: "split" } } }] },
      }),
    ).toThrow(/spend_limits.rules.0.metadata.user.mode/);
    expect(() => create({ id: "gw", ...required, spend_limits: { rules: [{ ...rule, extra: 1 }] } })).toThrow(
      'Unknown field "spend_limits.rules.0.extra"',
    );
  });
});

describe("gateway update (PUT)", () => {
  const existing = {
    ...defaultGateway("default", new Date("2026-01-01T00:00:00Z")),
    retry_max_attempts: 3,
  };

  it("replaces the required fields and keeps optional fields that are left out", () => {
    const input = parseInput(gatewayUpdateInputSchema, { ...required, collect_logs: false });
    const updated = applyGatewayInput("default", input, existing, now);
    expect(updated).toMatchObject({ collect_logs: false, authentication: true, retry_max_attempts: 3 });
    expect(updated.created_at).toBe(existing.created_at);
    expect(updated.modified_at).toBe("2026-03-01T00:00:00.000Z");
  });

  it("clears an optional field sent as null", () => {
    const input = parseInput(gatewayUpdateInputSchema, { ...required, retry_max_attempts: null });
    expect(applyGatewayInput("default", input, existing, now).retry_max_attempts).toBeNull();
  });
});
