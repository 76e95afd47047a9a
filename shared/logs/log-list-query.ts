import { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";
import {
  BOOLEAN_KEYS,
  FILTER_KEYS,
  FILTER_OPERATORS,
  type FilterValue,
  type LogFilter,
  NUMBER_KEYS,
  ORDER_KEYS,
  UNSUPPORTED_FILTER_KEYS,
} from "./log-query.ts";

/**
 * Reads Cloudflare's `filters` from a query string, in either wire form:
 * - the `cloudflare` SDK's: it serialises with qs (`allowDots`, `arrayFormat: "repeat"`), so
 *   `[{key:"provider", operator:"eq", value:["a","b"]}]` arrives as
 *   `filters.key=provider&filters.operator=eq&filters.value=a&filters.value=b`, one filter after the other;
 *   a `filters.key` starts the next filter, and values arrive as text;
 * - a JSON array in one `filters` parameter, for curl.
 */
function rawFilters(url: URL): unknown[] {
  const filters: Record<string, unknown>[] = [];
  for (const [name, value] of url.searchParams) {
    if (name === "filters") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw GatewayError.badRequest(
          'filters: must be a JSON array of {key, operator, value} (or the SDK\'s "filters.key=..." form)',
        );
      }
      if (!Array.isArray(parsed)) throw GatewayError.badRequest("filters: must be an array");
      filters.push(...(parsed as Record<string, unknown>[]));
      continue;
    }
    const field = /^filters(?:\[\d+\])?\.(key|operator|value)$/.exec(name)?.[1];
    if (!field) continue;
    const current = filters[filters.length - 1];
    if (field === "key" || !current) filters.push({ [field]: field === "value" ? [value] : value });
    else if (field === "value") current.value = [...((current.value as unknown[] | undefined) ?? []), value];
    else current[field] = value;
  }
  return filters;
}

const filterSchema = z.strictObject({
  key: z.string(),
  operator: z.enum(FILTER_OPERATORS),
  value: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .min(1)
    .max(100),
});

/** A filter value in its key's type: text from a query string becomes a number, boolean or instant. */
function convert(key: LogFilter["key"], value: FilterValue, where: string): FilterValue {
  if (value === null || value === "null") return null;
  if (BOOLEAN_KEYS.has(key)) {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw GatewayError.badRequest(`${where}: ${key} takes true or false`);
  }
  if (NUMBER_KEYS.has(key)) {
    const number = typeof value === "number" ? value : Number(value);
    if (typeof value === "boolean" || value === "" || !Number.isFinite(number))
      throw GatewayError.badRequest(`${where}: ${key} takes a number`);
    return number;
  }
  if (key === "created_at") {
    const time = typeof value === "number" ? value : Date.parse(String(value));
    if (!Number.isFinite(time)) throw GatewayError.badRequest(`${where}: created_at takes an ISO 8601 date`);
    return time;
  }
  return String(value);
}

export function parseFilters(url: URL): LogFilter[] {
  const raw = rawFilters(url);
  if (raw.length > 50) throw GatewayError.badRequest("filters: at most 50 filters");
  return raw.map((candidate, index) => {
    const where = `filters.${index}`;
    const result = filterSchema.safeParse(candidate);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw GatewayError.badRequest(
        `${where}.${issue?.path.join(".") || "filter"}: ${issue?.message ?? "invalid"}`,
      );
    }
    const { key, operator, value } = result.data;
    if ((UNSUPPORTED_FILTER_KEYS as readonly string[]).includes(key))
      throw GatewayError.badRequest(`${where}.key: "${key}" is not supported by this gateway`);
    if (!(FILTER_KEYS as readonly string[]).includes(key))
      throw GatewayError.badRequest(`${where}.key: unknown filter key ${JSON.stringify(key.slice(0, 64))}`);
    const filterKey = key as LogFilter["key"];
    if ((operator === "lt" || operator === "gt") && !NUMBER_KEYS.has(filterKey) && filterKey !== "created_at")
      throw GatewayError.badRequest(`${where}.operator: ${operator} applies to numbers and created_at only`);
    return { key: filterKey, operator, value: value.map((item) => convert(filterKey, item, where)) };
  });
}

/** Query parameters other than filters, for strict schemas: a parameter of the filters is not unknown. */
export function scalarParams(url: URL): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name === "filters" || name.startsWith("filters.") || name.startsWith("filters[")) continue;
    params[name] = value;
  }
  return params;
}

export const orderBySchema = z.enum(ORDER_KEYS);
