import { z } from "zod";
import type { LogFilter } from "./log-query.ts";

const booleanText = z.enum(["true", "false"]).transform((value) => value === "true");
const number = z.coerce.number().refine(Number.isFinite, "must be a number");
const isoDate = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 date")
  .transform((value) => Date.parse(value));

/** Cloudflare's deprecated flat parameters of the logs listing (reference 6.3), still accepted. */
export const deprecatedLogParams = {
  cached: booleanText.optional(),
  success: booleanText.optional(),
  provider: z.string().min(1).max(256).optional(),
  model: z.string().min(1).max(512).optional(),
  model_type: z.string().min(1).max(256).optional(),
  request_content_type: z.string().min(1).max(256).optional(),
  response_content_type: z.string().min(1).max(256).optional(),
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  min_cost: number.optional(),
  max_cost: number.optional(),
  min_duration: number.optional(),
  max_duration: number.optional(),
  min_tokens_in: number.optional(),
  max_tokens_in: number.optional(),
  min_tokens_out: number.optional(),
  max_tokens_out: number.optional(),
  min_total_tokens: number.optional(),
  max_total_tokens: number.optional(),
  feedback: z.coerce.number().int().min(-1).max(1).optional(),
};

type Deprecated = { [K in keyof typeof deprecatedLogParams]?: z.output<(typeof deprecatedLogParams)[K]> };

const EQUALS = [
  "cached",
  "success",
  "provider",
  "model",
  "model_type",
  "request_content_type",
  "response_content_type",
  "feedback",
] as const;

/** The ranges: a key, and the names of its inclusive lower and upper bound. */
const RANGES = [
  ["cost", "min_cost", "max_cost"],
  ["duration", "min_duration", "max_duration"],
  ["tokens_in", "min_tokens_in", "max_tokens_in"],
  ["tokens_out", "min_tokens_out", "max_tokens_out"],
  ["tokens", "min_total_tokens", "max_total_tokens"],
] as const;

/**
 * The deprecated parameters as filters. min_/max_ are inclusive (`min_cost=1` keeps a cost of 1) while
 * the filters' lt/gt are strict, so a bound becomes gt/lt of a value a hair beyond it (a relative epsilon,
 * far below any figure a log holds). Dates work the same way, a millisecond beyond.
 */
export function deprecatedFilters(params: Deprecated): LogFilter[] {
  const filters: LogFilter[] = [];
  for (const key of EQUALS) {
    const value = params[key];
    if (value !== undefined) filters.push({ key, operator: "eq", value: [value] });
  }
  const below = (value: number) => value - Math.max(1e-9, Math.abs(value) * 1e-12);
  const above = (value: number) => value + Math.max(1e-9, Math.abs(value) * 1e-12);
  for (const [key, min, max] of RANGES) {
    const [low, high] = [params[min], params[max]];
    if (low !== undefined) filters.push({ key, operator: "gt", value: [below(low)] });
    if (high !== undefined) filters.push({ key, operator: "lt", value: [above(high)] });
  }
  if (params.start_date !== undefined)
    filters.push({ key: "created_at", operator: "gt", value: [params.start_date - 1] });
  if (params.end_date !== undefined)
    filters.push({ key: "created_at", operator: "lt", value: [params.end_date + 1] });
  return filters;
}
