import { GatewayError } from "../core/gateway-error.ts";
import type { Gateway } from "../schemas/gateway.ts";

/** Reference 5.1 and 9: a per-request TTL is 60 s to one month. */
export const MIN_REQUEST_CACHE_TTL_SECONDS = 60;
export const MAX_REQUEST_CACHE_TTL_SECONDS = 30 * 24 * 3600;
/** Reference 3.1: a custom key on a gateway without caching keeps the answer 5 minutes. */
export const CUSTOM_KEY_DEFAULT_TTL_SECONDS = 300;
/** Reference 9: cacheable requests are at most 25 MB. */
export const MAX_CACHEABLE_REQUEST_BYTES = 25 * 1024 * 1024;
const MAX_CUSTOM_KEY_LENGTH = 1024;
const CACHEABLE_METHODS = new Set(["GET", "POST"]);

/** How caching applies to one request; null when it does not (then the cache is not touched at all). */
export interface CachePlan {
  ttlSeconds: number;
  customKey: string | null;
}

/** A header under its current name or its deprecated alias (`cf-cache-ttl`, `cf-skip-cache`). */
function header(headers: Headers, name: string, alias: string): { name: string; value: string } | null {
  const value = headers.get(name);
  if (value !== null) return { name, value };
  const aliased = headers.get(alias);
  return aliased === null ? null : { name: alias, value: aliased };
}

function parseSkip(headers: Headers): boolean {
  const found = header(headers, "cf-aig-skip-cache", "cf-skip-cache");
  if (!found) return false;
  const value = found.value.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw GatewayError.badRequest(`Invalid ${found.name} header "${found.value}": expected true or false`);
}

function parseTtl(headers: Headers): number | null {
  const found = header(headers, "cf-aig-cache-ttl", "cf-cache-ttl");
  if (!found) return null;
  const raw = found.value.trim();
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= MIN_REQUEST_CACHE_TTL_SECONDS && value <= MAX_REQUEST_CACHE_TTL_SECONDS)) {
    throw GatewayError.badRequest(
      `Invalid ${found.name} header "${found.value.slice(0, 40)}": expected whole seconds from ${MIN_REQUEST_CACHE_TTL_SECONDS} to ${MAX_REQUEST_CACHE_TTL_SECONDS} (one month)`,
    );
  }
  return value;
}

function parseCustomKey(headers: Headers): string | null {
  const value = headers.get("cf-aig-cache-key");
  if (value === null) return null;
  if (value.trim().length === 0 || value.length > MAX_CUSTOM_KEY_LENGTH) {
    throw GatewayError.badRequest(
      `Invalid cf-aig-cache-key header: expected 1 to ${MAX_CUSTOM_KEY_LENGTH} characters`,
    );
  }
  return value;
}

/**
 * Reads the cache headers (always, so a malformed one is a 400 whether or not caching is on) and decides
 * whether this request uses the cache. The TTL is the header's, else the gateway's `cache_ttl`, else
 * 5 minutes when a custom key asks for caching on a gateway that has it off. A per-request TTL turns
 * caching on for that request even when the gateway's is 0. Only GET and POST requests up to 25 MB
 * are cacheable; `cf-aig-skip-cache: true` means no lookup and no store.
 */
export function planCache(
  gateway: Gateway,
  headers: Headers,
  method: string,
  bodyBytes: number,
): CachePlan | null {
  const skip = parseSkip(headers);
  const headerTtl = parseTtl(headers);
  const customKey = parseCustomKey(headers);
  if (skip || !CACHEABLE_METHODS.has(method) || bodyBytes > MAX_CACHEABLE_REQUEST_BYTES) return null;
  const gatewayTtl = gateway.cache_ttl ?? 0;
  const ttlSeconds =
    headerTtl ?? (gatewayTtl > 0 ? gatewayTtl : customKey !== null ? CUSTOM_KEY_DEFAULT_TTL_SECONDS : 0);
  return ttlSeconds > 0 ? { ttlSeconds, customKey } : null;
}
