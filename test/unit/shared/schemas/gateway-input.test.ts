import { describe, expect, it } from "vitest";
import { parseInput } from "../../../../shared/management/request-input.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";
import {
  applyGatewayInput,
  gatewayCreateInputSchema,
  gatewayUpdateInputSchema,
} from "../../../../shared/schemas/gateway-input.ts";
import { REDACTED_HEADER_VALUE, redactOtelHeaders } from "../../../../shared/schemas/otel-exporters.ts";

const required = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
};
const now = new Date("2026-03-01T00:00:00Z");
const create = (body: Record<string, unknown>) => parseInput(gatewayCreateInputSchema, body);

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

  it("names unknown fields", () => {
    expect(() => create({ id: "gw", ...required, foo: 1 })).toThrow('Unknown field "foo"');
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

/** What a Terraform or SDK round trip sends for Cloudflare's features this gateway does not build. */
const OFF_VALUES = {
  logpush: false,
  logpush_public_key: null,
  dlp: { enabled: false, action: "BLOCK", profiles: [] },
  guardrails: { prompt: {}, response: {} },
  stripe: null,
  store_id: null,
  zdr: false,
  byok_only: false,
  workers_ai_billing_mode: "postpaid",
  log_classification: false,
};

describe("Cloudflare's fields for features this gateway does not build", () => {
  it("are accepted at their off values, stored, and kept by a PUT that leaves them out", () => {
    const gateway = applyGatewayInput("gw", create({ id: "gw", ...required, ...OFF_VALUES }), undefined, now);
    expect(gateway).toMatchObject(OFF_VALUES);

    const update = parseInput(gatewayUpdateInputSchema, required);
    expect(applyGatewayInput("gw", update, gateway, now)).toMatchObject(OFF_VALUES);
  });

  it("accept the other off spellings: null objects, the multi-policy DLP shape, a public key, byok_only", () => {
    const input = create({
      id: "gw",
      ...required,
      dlp: {
        enabled: false,
        policies: [{ id: "p", action: "FLAG", check: ["REQUEST"], enabled: true, profiles: ["x"] }],
      },
      guardrails: null,
      logpush_public_key: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
      byok_only: true,
    });
    expect(applyGatewayInput("gw", input, undefined, now)).toMatchObject({
      guardrails: null,
      byok_only: true,
    });
  });

  it("leave a gateway that never named them without them", () => {
    expect(applyGatewayInput("gw", create({ id: "gw", ...required }), undefined, now)).not.toHaveProperty(
      "logpush",
    );
  });

  it.each([
    [{ logpush: true }, /logpush: Logpush export is not built/],
    [{ zdr: true }, /zdr: Zero Data Retention .* is not built/],
    [
      { dlp: { enabled: true, action: "BLOCK", profiles: ["nope"] } },
      /dlp\.profiles\.0: unknown DLP profile "nope"/,
    ],
    [
      { dlp: { enabled: true, profiles: ["financial-information"] } },
      /dlp\.action: required when DLP is enabled/,
    ],
    [{ stripe: { authorization: "sk", usage_events: [] } }, /stripe: Stripe usage billing is not built/],
    [{ store_id: "store-1" }, /store_id: Secrets Store keys are not built/],
    [{ workers_ai_billing_mode: "unified" }, /workers_ai_billing_mode: Unified Billing is not built/],
    [{ log_classification: true }, /log_classification: Log classification is not built/],
    [{ logpush: "no" }, /logpush: Logpush export is not built/],
  ])("refuse %j, naming the field and what is not built", (value, message) => {
    expect(() => create({ id: "gw", ...required, ...value })).toThrow(message);
  });
});

describe("cors_allowed_origins (our extension)", () => {
  it("is absent on a new gateway, stored when sent, kept by a PUT that leaves it out, cleared by null", () => {
    expect(applyGatewayInput("gw", create({ id: "gw", ...required }), undefined, now)).not.toHaveProperty(
      "cors_allowed_origins",
    );
    const origins = ["https://app.example", "http://localhost:5173", "*"];
    const gateway = applyGatewayInput(
      "gw",
      create({ id: "gw", ...required, cors_allowed_origins: origins }),
      undefined,
      now,
    );
    expect(gateway.cors_allowed_origins).toEqual(origins);

    const kept = applyGatewayInput("gw", parseInput(gatewayUpdateInputSchema, required), gateway, now);
    expect(kept.cors_allowed_origins).toEqual(origins);
    const cleared = parseInput(gatewayUpdateInputSchema, { ...required, cors_allowed_origins: null });
    expect(applyGatewayInput("gw", cleared, gateway, now).cors_allowed_origins).toEqual([]);
  });

  it.each([["app.example"], ["https://app.example/"], ["https://App.example"], ["ftp://app.example"], [""]])(
    "refuses %j, naming the field",
    (origin) => {
      expect(() => create({ id: "gw", ...required, cors_allowed_origins: [origin] })).toThrow(
        /cors_allowed_origins\.0: must be an origin/,
      );
    },
  );
});

describe("the otel setting (OTLP/HTTP exporters, Cloudflare's shape)", () => {
  const exporter = { url: "https://otlp.example.com/v1/traces", headers: { authorization: "Bearer s3cret" } };

  it("is stored as sent, kept by a PUT that leaves it out, and cleared by null", () => {
    const gateway = applyGatewayInput(
      "gw",
      create({ id: "gw", ...required, otel: [exporter] }),
      undefined,
      now,
    );
    expect(gateway.otel).toEqual([exporter]);
    const update = (body: Record<string, unknown>) => parseInput(gatewayUpdateInputSchema, body);
    expect(applyGatewayInput("gw", update(required), gateway, now).otel).toEqual([exporter]);
    expect(applyGatewayInput("gw", update({ ...required, otel: null }), gateway, now).otel).toBeNull();
    expect(applyGatewayInput("gw", create({ id: "gw", ...required }), undefined, now)).not.toHaveProperty(
      "otel",
    );
  });

  it("keeps a stored header value when a PUT sends back the placeholder the API showed", () => {
    const gateway = applyGatewayInput(
      "gw",
      create({ id: "gw", ...required, otel: [exporter] }),
      undefined,
      now,
    );
    const shown = redactOtelHeaders(gateway.otel);
    expect(shown).toEqual([{ url: exporter.url, headers: { authorization: REDACTED_HEADER_VALUE } }]);
    const roundTrip = parseInput(gatewayUpdateInputSchema, { ...required, otel: shown });
    expect(applyGatewayInput("gw", roundTrip, gateway, now).otel).toEqual([exporter]);
  });

  it("refuses the placeholder for a header that has no stored value", () => {
    const input = create({
      id: "gw",
      ...required,
      otel: [{ url: exporter.url, headers: { "x-key": "[redacted]" } }],
    });
    expect(() => applyGatewayInput("gw", input, undefined, now)).toThrow(/x-key.*no value is stored/);
  });

  it.each([
    [{ url: "ftp://otlp.example.com", headers: {} }, /otel\.0\.url: must be an http\(s\) URL/],
    [{ url: "https://user:pw@otlp.example.com", headers: {} }, /without credentials/],
    [{ url: "https://otlp.example.com" }, /otel\.0\.headers/],
    [{ url: "https://otlp.example.com", headers: { "bad name": "x" } }, /must be an HTTP header name/],
    [{ url: "https://otlp.example.com", headers: { a: "line\nbreak" } }, /header value on one line/],
    [
      { url: "https://otlp.example.com", headers: {}, authorization: "secret-ref" },
      /Secrets Store references are not built/,
    ],
    [{ url: "https://otlp.example.com", headers: {}, content_type: "xml" }, /otel\.0\.content_type/],
    [{ url: "https://otlp.example.com", headers: {}, sampling: 1 }, /sampling/],
  ])("refuses %j, naming the field", (value, message) => {
    expect(() => create({ id: "gw", ...required, otel: [value] })).toThrow(message);
  });
});

describe("gateway guardrails input (Cloudflare's shape, reference 8.3)", () => {
  const guardrails = {
    prompt: { P1: "BLOCK", S1: "FLAG", S10: "BLOCK" },
    response: { S11: "BLOCK", S13: "FLAG" },
  };

  it("accepts each category S1-S13 and P1 per phase as FLAG or BLOCK, stores it and keeps it on a PUT that leaves it out", () => {
    const gateway = applyGatewayInput("gw", create({ id: "gw", ...required, guardrails }), undefined, now);
    expect(gateway.guardrails).toEqual(guardrails);

    const update = parseInput(gatewayUpdateInputSchema, required);
    expect(applyGatewayInput("gw", update, gateway, now).guardrails).toEqual(guardrails);
  });

  it("turns guardrails off with null", () => {
    const gateway = applyGatewayInput("gw", create({ id: "gw", ...required, guardrails }), undefined, now);
    const update = parseInput(gatewayUpdateInputSchema, { ...required, guardrails: null });
    expect(applyGatewayInput("gw", update, gateway, now).guardrails).toBeNull();
  });

  it.each([
    [{ prompt: { S1: "ALLOW" }, response: {} }, /guardrails\.prompt\.S1/],
    [{ prompt: { S14: "BLOCK" }, response: {} }, /guardrails\.prompt.*S14/],
    [{ prompt: { s1: "BLOCK" }, response: {} }, /guardrails\.prompt.*s1/],
    [{ prompt: {} }, /guardrails\.response/],
  ])("refuses %j, naming the field", (value, message) => {
    expect(() => create({ id: "gw", ...required, guardrails: value })).toThrow(message);
  });
});
