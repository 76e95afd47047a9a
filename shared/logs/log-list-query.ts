import { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";
import { DLP_ACTIONS } from "../schemas/dlp-settings.ts";
import { isFilterParam, MAX_FILTER_VALUES, MAX_FILTERS, rawFilters } from "./filter-query-params.ts";
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

const filterSchema = z.strictObject({
  key: z.string(),
  operator: z.enum(FILTER_OPERATORS),
  value: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .min(1)
    .max(MAX_FILTER_VALUES),
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

/** The request's filters in any of their wire forms (filter-query-params.ts), each value in its key's type. */
export function parseFilters(url: URL): LogFilter[] {
  const raw = rawFilters(url);
  if (raw.length > MAX_FILTERS) throw GatewayError.badRequest(`filters: at most ${MAX_FILTERS} filters`);
  return raw.map(({ label: where, fields }) => {
    const result = filterSchema.safeParse(fields);
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
    // "" is a substring of everything: such a filter (an empty search box, say) would select every log.
    if (operator === "contains" && value.some((item) => item === ""))
      throw GatewayError.badRequest(
        `${where}.value: contains takes a non-empty text (an empty one matches every log)`,
      );
    // A DLP action the gateway never writes would silently match nothing: refused instead.
    if (
      filterKey === "dlp_action" &&
      value.some((item) => !(DLP_ACTIONS as readonly unknown[]).includes(item))
    )
      throw GatewayError.badRequest(`${where}.value: dlp_action is one of ${DLP_ACTIONS.join(", ")}`);
    return { key: filterKey, operator, value: value.map((item) => convert(filterKey, item, where)) };
  });
}

/**
 * Query parameters other than filters, for strict schemas: a parameter of the filters is not unknown (it is
 * parseFilters' to read or refuse). One given twice is refused rather than one copy silently winning: on a
 * DELETE, `limit=1&limit=100000` must not be read either way.
 */
export function scalarParams(url: URL): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (isFilterParam(name)) continue;
    if (Object.hasOwn(params, name))
      throw GatewayError.badRequest(
        `Query parameter ${JSON.stringify(name.slice(0, 80))} is given more than once`,
      );
    params[name] = value;
  }
  return params;
}

export const orderBySchema = z.enum(ORDER_KEYS);
