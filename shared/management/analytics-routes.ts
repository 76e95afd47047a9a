import { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";
import { addFigures, emptyFigures, type Figures, presentFigures } from "../logs/analytics-figures.ts";
import { bucketStart } from "../store/analytics-store.ts";
import { envelope } from "./envelope.ts";
import { requireGateway } from "./gateway-lookup.ts";
import { parseInput, queryObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

/** 31 days of hours by default (ANALYTICS_MAX_HOURS); day buckets may span a year and a day. */
export const DEFAULT_ANALYTICS_MAX_HOURS = 31 * 24;
const MAX_DAYS = 366;
const HOUR_MS = 3_600_000;

const instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, such as 2026-11-25T00:00:00Z" })
  .transform((value) => Date.parse(value));

export const analyticsQuerySchema = z
  .strictObject({
    start: instant,
    end: instant,
    granularity: z.enum(["hour", "day"]).default("hour"),
    group_by: z.enum(["provider", "model"]).optional(),
  })
  .refine((query) => query.end > query.start, { message: "end must be after start", path: ["end"] });

type Group = { provider?: string | null; model?: string | null };

/**
 * GET /gateways/{id}/analytics: the gateway's figures per hour or day, optionally per provider or model
 * (the model's provider is named with it), with totals over the range. Buckets are whole UTC hours or
 * days: those that overlap [start, end). Only buckets with traffic are listed. It reads the gateway's
 * bucket items in that range (one per bucket and provider/model pair), never its logs.
 */
export async function getAnalytics(context: RouteContext): Promise<Response> {
  const gatewayId = (await requireGateway(context)).id;
  const query = parseInput(analyticsQuerySchema, queryObject(context.url), { source: "query" });
  const maxHours = context.deps.analyticsMaxHours ?? DEFAULT_ANALYTICS_MAX_HOURS;
  const hours = (query.end - query.start) / HOUR_MS;
  if (query.granularity === "hour" && hours > maxHours)
    throw GatewayError.badRequest(
      `end: at hour granularity a range covers at most ${maxHours} hours; use granularity=day`,
    );
  if (query.granularity === "day" && hours > MAX_DAYS * 24)
    throw GatewayError.badRequest(`end: a range covers at most ${MAX_DAYS} days`);

  const items = await context.deps.analytics.query(
    context.accountId,
    gatewayId,
    query.granularity,
    bucketStart(query.start, query.granularity),
    bucketStart(query.end - 1, query.granularity),
  );
  const totals = emptyFigures();
  const groups = new Map<string, { start: string; group: Group; figures: Figures }>();
  for (const item of items) {
    addFigures(totals, item.figures);
    const group: Group =
      query.group_by === "provider"
        ? { provider: item.provider }
        : query.group_by === "model"
          ? { provider: item.provider, model: item.model }
          : {};
    const key = `${item.start}#${JSON.stringify(group)}`;
    let entry = groups.get(key);
    if (!entry) {
      entry = { start: item.start, group, figures: emptyFigures() };
      groups.set(key, entry);
    }
    addFigures(entry.figures, item.figures);
  }
  const buckets = [...groups.values()]
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map((entry) => ({ start: entry.start, ...entry.group, ...presentFigures(entry.figures) }));
  return envelope({
    start: new Date(query.start).toISOString(),
    end: new Date(query.end).toISOString(),
    granularity: query.granularity,
    group_by: query.group_by ?? null,
    totals: presentFigures(totals),
    buckets,
  });
}
