import { z } from "zod";
import type { LogDeleteJob } from "../store/log-delete-job-store.ts";
import { envelope } from "./envelope.ts";
import { requireGateway } from "./gateway-lookup.ts";
import { notFound, uuidParam } from "./path-params.ts";
import { parseInput } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";

export const listJobsQuerySchema = z.strictObject({
  per_page: z.coerce.number().int().min(1).max(50).default(20),
});

/** The path below the gateway's `/logs` where a job is read: `/logs/deletes/{job_id}` (log ids never are "deletes"). */
export const DELETE_JOBS_PATH = "deletes";

/**
 * A job as the API shows it: its state, what it has deleted so far and its times. No absolute URL: the
 * function does not see the address the client called (API Gateway's stage, a custom domain's base path),
 * so a 202 says where to read the job in a relative `Location` (`logs/deletes/{id}`), right however the API
 * is reached.
 */
export function renderDeleteJob(job: LogDeleteJob): Record<string, unknown> {
  const { selection } = job;
  return {
    id: job.id,
    gateway_id: job.gatewayId,
    kind: selection.kind,
    status: job.status,
    deleted: job.deleted,
    ...(selection.kind === "filter"
      ? {
          filters: selection.filters,
          order_by: selection.orderBy,
          order_by_direction: selection.direction,
          limit: selection.limit ?? null,
        }
      : {}),
    created_at: job.createdAt,
    started_at: job.startedAt ?? null,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt ?? null,
    error: job.error ?? null,
  };
}

/** GET .../logs/deletes/{job_id}: one delete job and its progress. */
export async function getLogDeleteJob(context: RouteContext): Promise<Response> {
  const gatewayId = (await requireGateway(context)).id;
  const jobId = uuidParam(context, "job_id", "delete job");
  const job = await context.deps.logDeleteJobs.store.get(context.accountId, gatewayId, jobId);
  if (!job) throw notFound("delete job", jobId);
  return envelope(renderDeleteJob(job));
}

/** GET .../logs/deletes: the gateway's most recent delete jobs (the API's and retention's), newest first. */
export async function listLogDeleteJobs(context: RouteContext): Promise<Response> {
  const gatewayId = (await requireGateway(context)).id;
  const params = parseInput(listJobsQuerySchema, Object.fromEntries(context.url.searchParams), {
    source: "query",
  });
  const jobs = await context.deps.logDeleteJobs.store.listRecent(
    context.accountId,
    gatewayId,
    params.per_page,
  );
  return envelope(jobs.map((job) => renderDeleteJob(job)));
}
