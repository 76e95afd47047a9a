import { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";
import { deprecatedFilters, deprecatedLogParams } from "../logs/deprecated-log-params.ts";
import { orderBySchema, parseFilters, scalarParams } from "../logs/log-list-query.ts";
import type { LogQuery } from "../logs/log-query.ts";
import { metadataSchema } from "../schemas/log-event.ts";
import type { BodyKind } from "../store/log-store.ts";
import { envelope } from "./envelope.ts";
import { requireGateway } from "./gateway-lookup.ts";
import { DELETE_JOBS_PATH, renderDeleteJob } from "./log-delete-job-routes.ts";
import { bodyTooLarge } from "./management-errors.ts";
import { logIdParam, notFound } from "./path-params.ts";
import { MAX_MANAGEMENT_BODY_BYTES, parseInput, readJsonObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

const direction = z.enum(["asc", "desc"]);
const booleanText = z.enum(["true", "false"]).transform((value) => value === "true");

/** Reference 6.3's listing parameters; `direction` is the SDK's older name of `order_by_direction`. */
export const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
  search: z.string().min(1).max(256).optional(),
  order_by: orderBySchema.default("created_at"),
  order_by_direction: direction.optional(),
  direction: direction.optional(),
  meta_info: booleanText.optional(),
  ...deprecatedLogParams,
});

export const deleteQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
  order_by: orderBySchema.default("created_at"),
  order_by_direction: direction.default("asc"),
});

/**
 * Parameters that select logs on a listing but not on a DELETE (reference 6.3: a DELETE takes filters, limit
 * and the order). The strict schema refuses them like any unknown parameter; this says what to send instead,
 * since ignoring one would delete more than was asked.
 */
const LISTING_ONLY_PARAMS: ReadonlyMap<string, string> = new Map(
  ["search", ...Object.keys(deprecatedLogParams)].map((name) => [
    name,
    "selects logs on a listing only: a DELETE selects them with filters (filters[0][key]=...&filters[0][operator]=...&filters[0][value][0]=...)",
  ]),
);

/**
 * Cloudflare's DELETE takes its selection in the query only. A client that puts filters in a JSON body would
 * otherwise have them ignored and every log deleted, so a body that says anything is refused; an empty one,
 * or `{}`, says nothing and is read as none.
 */
async function refuseDeleteBody(request: Request): Promise<void> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_MANAGEMENT_BODY_BYTES) throw bodyTooLarge(MAX_MANAGEMENT_BODY_BYTES);
  const text = new TextDecoder().decode(bytes).trim();
  if (text === "" || /^\{\s*\}$/.test(text)) return;
  throw GatewayError.badRequest(
    "DELETE .../logs takes no body: give filters in the query string (filters[0][key]=...&filters[0][operator]=...&filters[0][value][0]=...), limit, order_by and order_by_direction too",
  );
}

/** Feedback is thumbs down / none / up; metadata is Cloudflare's flat object of at most five entries. */
export const patchSchema = z.strictObject({
  feedback: z
    .union([z.literal(-1), z.literal(0), z.literal(1)])
    .nullable()
    .optional(),
  score: z.number().int().min(0).max(100).nullable().optional(),
  metadata: metadataSchema
    .refine((value) => Object.keys(value).length <= 5, "at most 5 entries")
    .refine(
      (value) =>
        Object.entries(value).every(([key, item]) => key.length <= 256 && String(item).length <= 1024),
      "keys at most 256 and values at most 1024 characters",
    )
    .nullable()
    .optional(),
});

export async function listLogs(context: RouteContext): Promise<Response> {
  const gatewayId = (await requireGateway(context)).id;
  const params = parseInput(listQuerySchema, scalarParams(context.url), { source: "query" });
  const query: LogQuery = {
    filters: [...parseFilters(context.url), ...deprecatedFilters(params)],
    search: params.search,
    orderBy: params.order_by,
    direction: params.order_by_direction ?? params.direction ?? "desc",
  };
  // Unfiltered, the total is the stored-log counter's (log-counter-store.ts), not a count of every log; the
  // page is then read from the shards merged in created_at order, only as far as the page.
  const unfiltered = query.filters.length === 0 && !query.search && !params.meta_info;
  const [listed, counted] = await Promise.all([
    context.deps.logs.list(
      context.accountId,
      gatewayId,
      query,
      { page: params.page, perPage: params.per_page },
      { countAll: !unfiltered },
    ),
    unfiltered ? context.deps.counters.read(context.accountId, gatewayId) : undefined,
  ]);
  const { records, meta } = listed;
  const totalCount = Math.max(0, counted?.stored ?? listed.totalCount ?? 0);
  const info: Record<string, number> = {
    page: params.page,
    per_page: params.per_page,
    count: records.length,
    total_count: totalCount,
    total_pages: Math.ceil(totalCount / params.per_page),
  };
  // Cloudflare's result_info carries min/max figures with meta_info; null (no log has one) is left out.
  if (params.meta_info) {
    for (const [name, value] of Object.entries(meta)) if (value !== null) info[name] = value;
  }
  return envelope(records, info);
}

/** How long a DELETE waits for its job to end before answering 202 with the job still running. */
const DEFAULT_DELETE_WAIT_MS = 3_000;

/**
 * DELETE .../logs: the logs the filters select, in the given order, up to `limit`. Without any filter
 * parameter every log of the gateway is selected, as on Cloudflare; a filter parameter that cannot be read,
 * any unknown parameter, or a body that says anything, is a 400 before anything is read or deleted.
 *
 * The deleting is a job (shared/logs/log-delete-worker.ts), run from a queue a slice at a time, never in
 * this request (API Gateway ends it at 29 s). The answer waits a few seconds for the job: a small delete is
 * answered 200 with the job done; a larger one 202 with the job as it stands and where to follow it
 * (a relative `Location`). Both are Cloudflare's `{success: true}` envelope, which its SDK reads.
 */
export async function deleteLogs(context: RouteContext): Promise<Response> {
  const gateway = await requireGateway(context);
  await refuseDeleteBody(context.request);
  const params = parseInput(deleteQuerySchema, scalarParams(context.url), {
    source: "query",
    unsupported: LISTING_ONLY_PARAMS,
  });
  const jobs = context.deps.logDeleteJobs;
  const started = await jobs.start(context.accountId, gateway, {
    kind: "filter",
    filters: parseFilters(context.url),
    orderBy: params.order_by,
    direction: params.order_by_direction,
    ...(params.limit === undefined ? {} : { limit: params.limit }),
  });
  const job = await jobs.settle(started, context.deps.logDeleteWaitMs ?? DEFAULT_DELETE_WAIT_MS);
  if (job.status === "failed")
    throw GatewayError.internal(new Error(`log delete job ${job.id}: ${job.error}`));
  const rendered = renderDeleteJob(job);
  const result = { success: true, ...rendered };
  if (job.status === "done") return envelope(result);
  const response = envelope(result, undefined, 202);
  // Relative, so the client resolves it against the URL it called, with any prefix (API Gateway's stage,
  // a custom domain's base path) the function does not see.
  const fromLogs = context.url.pathname.endsWith("/") ? "" : "logs/";
  response.headers.set("location", `${fromLogs}${DELETE_JOBS_PATH}/${job.id}`);
  return response;
}

export async function getLog(context: RouteContext): Promise<Response> {
  const gatewayId = (await requireGateway(context)).id;
  const logId = logIdParam(context);
  const record = await context.deps.logs.get(context.accountId, gatewayId, logId);
  if (!record) throw notFound("log", logId);
  return envelope(record);
}

/** PATCH .../logs/{id}: feedback, score and metadata; null clears one. Returns the updated log. */
export async function updateLog(context: RouteContext): Promise<Response> {
  const gatewayId = (await requireGateway(context)).id;
  const logId = logIdParam(context);
  const changes = parseInput(patchSchema, await readJsonObject(context.request));
  const record = await context.deps.logs.update(context.accountId, gatewayId, logId, changes);
  if (!record) throw notFound("log", logId);
  return envelope(record);
}

export const getLogRequest = (context: RouteContext) => getBody(context, "request");
export const getLogResponse = (context: RouteContext) => getBody(context, "response");

async function getBody(context: RouteContext, kind: BodyKind): Promise<Response> {
  const gatewayId = (await requireGateway(context)).id;
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
