import { RETRY_BACKOFFS } from "../schemas/gateway.ts";
import { GatewayError } from "./gateway-error.ts";
import { isRecord } from "./json-record.ts";

/**
 * At most this many steps in one universal request. Cloudflare documents no cap; one bounds the work a
 * single request can start (each step may itself retry up to five times).
 */
export const MAX_UNIVERSAL_STEPS = 10;

export interface UniversalStep {
  provider: string;
  /** The provider path, without a leading slash (may carry a query string). */
  endpoint: string;
  headers: Record<string, string>;
  query: unknown;
  /** The step's config as cf-aig-* headers: they override the request's own (step > request > gateway). */
  configHeaders: Record<string, string>;
}

/** Set by the universal endpoint: which step this is, and the attempts earlier steps used. */
export interface StepContext {
  step: number;
  attemptsBefore: number;
  /** The first step's request id: every row of one universal request shares it. */
  requestId?: string;
  /** Written back: the attempts this step used. */
  attemptsUsed?: number;
}

const PROVIDER_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Step `config` keys and the request header each one stands for, with its valid range. */
const CONFIG_KEYS = {
  requestTimeout: { header: "cf-aig-request-timeout", min: 1, max: 2_147_483_647 },
  maxAttempts: { header: "cf-aig-max-attempts", min: 1, max: 5 },
  retryDelay: { header: "cf-aig-retry-delay", min: 0, max: 5_000 },
} as const;

function fail(index: number, problem: string): never {
  throw GatewayError.badRequest(`Invalid universal request: step ${index} ${problem}`);
}

/**
 * Validates the whole array before any step runs, so a malformed request sends nothing upstream and the
 * error names the step and the field.
 */
export function parseUniversalSteps(body: unknown): UniversalStep[] {
  if (!Array.isArray(body)) {
    throw GatewayError.badRequest("Invalid universal request: the body must be a JSON array of steps");
  }
  if (body.length === 0)
    throw GatewayError.badRequest("Invalid universal request: the array of steps is empty");
  if (body.length > MAX_UNIVERSAL_STEPS) {
    throw GatewayError.badRequest(
      `Invalid universal request: ${body.length} steps; at most ${MAX_UNIVERSAL_STEPS} are allowed`,
    );
  }
  return body.map((raw, index) => parseStep(raw, index));
}

function parseStep(raw: unknown, index: number): UniversalStep {
  if (!isRecord(raw)) fail(index, "must be an object");
  const { provider, endpoint, headers, query, config } = raw;
  if (typeof provider !== "string" || provider.length === 0) fail(index, 'is missing "provider"');
  if (!PROVIDER_PATTERN.test(provider)) fail(index, `has an invalid provider "${provider.slice(0, 80)}"`);
  if (typeof endpoint !== "string" || endpoint.replace(/^\/+/, "").length === 0) {
    fail(index, 'is missing "endpoint"');
  }
  if (query === undefined || query === null) fail(index, 'is missing "query"');
  if (headers !== undefined && !isRecord(headers)) fail(index, '"headers" must be an object');
  const stepHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      fail(index, `header "${name.slice(0, 80)}" must be a string`);
    }
    stepHeaders[name.toLowerCase()] = String(value);
  }
  return {
    provider,
    endpoint: endpoint.replace(/^\/+/, ""),
    headers: stepHeaders,
    query,
    configHeaders: parseConfig(config, index),
  };
}

function parseConfig(config: unknown, index: number): Record<string, string> {
  if (config === undefined || config === null) return {};
  if (!isRecord(config)) fail(index, '"config" must be an object');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "backoff") {
      if (typeof value !== "string" || !(RETRY_BACKOFFS as readonly string[]).includes(value)) {
        fail(index, `config.backoff must be one of ${RETRY_BACKOFFS.join(", ")}`);
      }
      headers["cf-aig-backoff"] = value;
      continue;
    }
    const rule = CONFIG_KEYS[key as keyof typeof CONFIG_KEYS];
    if (!rule) fail(index, `config has an unknown key "${key.slice(0, 80)}"`);
    if (typeof value !== "number" || !Number.isInteger(value) || value < rule.min || value > rule.max) {
      fail(index, `config.${key} must be a whole number from ${rule.min} to ${rule.max}`);
    }
    headers[rule.header] = String(value);
  }
  return headers;
}
