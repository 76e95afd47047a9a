import { z } from "zod";
import type { BodyKind } from "../store/log-store.ts";
import { envelope, pagedEnvelope } from "./envelope.ts";
import { requireGateway } from "./gateway-lookup.ts";
import { logIdParam, notFound } from "./path-params.ts";
import { parseInput, queryObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

/**
 * Cloudflare's SDK names the sort direction `order_by_direction` (and also has `direction`); logs are
 * ordered by time only, so `order_by` is accepted only as "created_at".
 */
const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
  order_by: z.literal("created_at", "only created_at is supported").optional(),
  order_by_direction: z.enum(["asc", "desc"]).optional(),
  direction: z.enum(["asc", "desc"]).optional(),
});

/** The logs routes answer 404 for a gateway that does not exist, even when logs of it remain. */
async function existingGatewayId(context: RouteContext): Promise<string> {
  return (await requireGateway(context)).id;
}

export async function listLogs(context: RouteContext): Promise<Response> {
  const gatewayId = await existingGatewayId(context);
  const query = parseInput(listQuerySchema, queryObject(context.url), { source: "query" });
  const direction = query.order_by_direction ?? query.direction ?? "desc";
  const { records, totalCount } = await context.deps.logs.list(context.accountId, gatewayId, {
    page: query.page,
    perPage: query.per_page,
    direction,
  });
  return pagedEnvelope(records, query.page, query.per_page, totalCount);
}

export async function getLog(context: RouteContext): Promise<Response> {
  const gatewayId = await existingGatewayId(context);
  const logId = logIdParam(context);
  const record = await context.deps.logs.get(context.accountId, gatewayId, logId);
  if (!record) throw notFound("log", logId);
  return envelope(record);
}

export const getLogRequest = (context: RouteContext) => getBody(context, "request");
export const getLogResponse = (context: RouteContext) => getBody(context, "response");

async function getBody(context: RouteContext, kind: BodyKind): Promise<Response> {
  const gatewayId = await existingGatewayId(context);
  const logId = logIdParam(context);
  const body = await context.deps.logs.getBody(context.accountId, gatewayId, logId, kind);
  if (body === undefined) throw notFound("log", logId);
  return envelope(parseIfJson(body));
}

/** A JSON body is returned as JSON, anything else (an SSE stream, text) as the text it was. */
function parseIfJson(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
