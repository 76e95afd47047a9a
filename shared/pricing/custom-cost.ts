import { GatewayError } from "../core/gateway-error.ts";

export const CUSTOM_COST_HEADER = "cf-aig-custom-cost";

/**
 * A per-request price from `cf-aig-custom-cost` (reference section 3.1), in US dollars PER TOKEN. An
 * omitted cache rate is the input rate; with both omitted, cached tokens cost the input rate, which is
 * Cloudflare's "old calculation" (the whole of tokensIn at per_token_in).
 */
export interface CustomCost {
  perTokenIn: number;
  perTokenOut: number;
  perCacheReadToken: number;
  perCacheWriteToken: number;
}

const FIELDS = ["per_token_in", "per_token_out", "per_cache_read_token", "per_cache_write_token"] as const;
const DECIMAL = /^\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

function invalid(reason: string): GatewayError {
  return GatewayError.badRequest(`Invalid ${CUSTOM_COST_HEADER} header: ${reason}`);
}

/** A rate: a finite number >= 0, or a decimal string (so rates with many decimals survive JSON). */
function rate(value: unknown, field: string): number {
  const parsed =
    typeof value === "number"
      ? value
      : typeof value === "string" && DECIMAL.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw invalid(`${field} must be a number >= 0 (US dollars per token)`);
  }
  return parsed;
}

/**
 * Parses the header; null when it is absent or empty. Anything else that is not a JSON object with
 * `per_token_in` and `per_token_out` (and optionally the two cache rates), all >= 0, is a 400 naming the
 * header, so a mistyped price is never silently ignored.
 */
export function parseCustomCost(header: string | null | undefined): CustomCost | null {
  if (header === null || header === undefined || header.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    throw invalid("not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid("expected a JSON object");
  }
  const object = value as Record<string, unknown>;
  const unknown = Object.keys(object).filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) throw invalid(`unknown field ${unknown.map((key) => `"${key}"`).join(", ")}`);
  for (const required of ["per_token_in", "per_token_out"] as const) {
    if (!(required in object)) throw invalid(`${required} is required`);
  }
  const perTokenIn = rate(object.per_token_in, "per_token_in");
  const perTokenOut = rate(object.per_token_out, "per_token_out");
  return {
    perTokenIn,
    perTokenOut,
    perCacheReadToken:
      object.per_cache_read_token === undefined
        ? perTokenIn
        : rate(object.per_cache_read_token, "per_cache_read_token"),
    perCacheWriteToken:
      object.per_cache_write_token === undefined
        ? perTokenIn
        : rate(object.per_cache_write_token, "per_cache_write_token"),
  };
}

/**
 * The custom cost of a request whose headers were already validated (the proxy calls `parseCustomCost`
 * before going upstream, so an invalid header never reaches a log): for building the log event, it never
 * throws; an invalid header gives null.
 */
export function customCostOf(headers: Headers): CustomCost | null {
  try {
    return parseCustomCost(headers.get(CUSTOM_COST_HEADER));
  } catch {
    return null;
  }
}
