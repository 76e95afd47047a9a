import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { LogFilter, OrderKey } from "../logs/log-query.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { deleteJobPartition, retentionJobKey } from "./log-keys.ts";

export type LogDeleteJobStatus = "queued" | "running" | "done" | "failed";

/**
 * Which logs a job deletes. `filter`: the management API's DELETE (its filters, order and limit, and only
 * logs created before it was accepted). `retention`: DELETE_OLDEST's overflow, the oldest logs until the
 * stored-log counter is back at the gateway's limit.
 */
export type LogDeleteSelection =
  | {
      kind: "filter";
      filters: LogFilter[];
      orderBy: OrderKey;
      direction: "asc" | "desc";
      limit?: number;
    }
  | { kind: "retention" };

export interface LogDeleteJob {
  id: string;
  accountId: string;
  gatewayId: string;
  /** The gateway's created_at when the job was accepted: a gateway deleted (and perhaps re-created) ends it. */
  gatewayCreatedAt: string;
  selection: LogDeleteSelection;
  status: LogDeleteJobStatus;
  /** Logs deleted so far: what the job's own conditional deletes removed, so each log counts once. */
  deleted: number;
  /** The message the job expects next (log-delete-worker.ts): older ones are duplicates and are dropped. */
  step: number;
  /** The last log id a filter job has read past, in its order; where the next slice resumes. */
  cursor?: string;
  createdAt: string;
  startedAt?: string;
  updatedAt: string;
  finishedAt?: string;
  /** Why a failed job failed. */
  error?: string;
}

/** A job record is kept this long after it was accepted (DynamoDB TTL), then after it finished. */
const JOB_RECORD_DAYS = 30;

const iso = (ms: number) => new Date(ms).toISOString();
const expiry = (ms: number) => Math.floor(ms / 1000) + JOB_RECORD_DAYS * 86_400;

function toJob(item: Record<string, unknown>): LogDeleteJob {
  const optional = (name: string) => (typeof item[name] === "string" ? (item[name] as string) : undefined);
  return {
    id: String(item.sk),
    accountId: String(item.account_id),
    gatewayId: String(item.gateway_id),
    gatewayCreatedAt: String(item.gateway_created_at),
    selection: JSON.parse(String(item.selection)) as LogDeleteSelection,
    status: item.status as LogDeleteJobStatus,
    deleted: Number(item.deleted ?? 0),
    step: Number(item.step ?? 0),
    ...(optional("cursor") === undefined ? {} : { cursor: optional("cursor") }),
    createdAt: String(item.created_at),
    ...(optional("started_at") === undefined ? {} : { startedAt: optional("started_at") }),
    updatedAt: String(item.updated_at),
    ...(optional("finished_at") === undefined ? {} : { finishedAt: optional("finished_at") }),
    ...(optional("error") === undefined ? {} : { error: optional("error") }),
  };
}

/**
 * Log-delete jobs (shared/logs/log-delete-worker.ts), one item each in the logs table beside the
 * gateway's logs: pk "{account}#{gateway}#deletes", sk the job's UUIDv7 id, so the newest are listed first
 * by one Query and a log listing never reads them. Every change after the create is conditional on the
 * job's `step` and, while a delivery works on it, on that delivery's lease: of two deliveries of one
 * message only one works, and a stale one changes nothing.
 */
export class LogDeleteJobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async create(
    job: Pick<LogDeleteJob, "id" | "accountId" | "gatewayId" | "gatewayCreatedAt" | "selection">,
  ): Promise<LogDeleteJob> {
    const now = this.now();
    const item = {
      pk: deleteJobPartition(job.accountId, job.gatewayId),
      sk: job.id,
      account_id: job.accountId,
      gateway_id: job.gatewayId,
      gateway_created_at: job.gatewayCreatedAt,
      selection: JSON.stringify(job.selection),
      status: "queued",
      deleted: 0,
      step: 0,
      created_at: iso(now),
      updated_at: iso(now),
      expires_at: expiry(now),
    };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(sk)",
      }),
    );
    return toJob(item);
  }

  async get(accountId: string, gatewayId: string, id: string): Promise<LogDeleteJob | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: deleteJobPartition(accountId, gatewayId), sk: id },
        ConsistentRead: true,
      }),
    );
    return Item ? toJob(Item) : undefined;
  }

  /** The gateway's most recent jobs, newest first. */
  async listRecent(accountId: string, gatewayId: string, count: number): Promise<LogDeleteJob[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": deleteJobPartition(accountId, gatewayId) },
        ScanIndexForward: false,
        Limit: count,
      }),
    );
    return Items.map(toJob);
  }

  /**
   * Takes the job for the delivery of message `step`, for `leaseMs`: true when it is this delivery's to
   * work on (it was queued or running, at that step, and no other delivery's lease is running).
   */
  async claim(job: LogDeleteJob, step: number, lease: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    return this.conditional(job, {
      UpdateExpression:
        "SET #status = :running, lease = :lease, lease_until = :until, updated_at = :now, started_at = if_not_exists(started_at, :now)",
      ConditionExpression:
        "#step = :step AND #status IN (:queued, :running) AND (attribute_not_exists(lease_until) OR lease_until < :nowMs)",
      ExpressionAttributeNames: { "#status": "status", "#step": "step" },
      ExpressionAttributeValues: {
        ":running": "running",
        ":queued": "queued",
        ":lease": lease,
        ":until": now + leaseMs,
        ":nowMs": now,
        ":now": iso(now),
        ":step": step,
      },
    });
  }

  /** Records a slice under the lease: `deleted` more, and where the next slice resumes. False: lease lost. */
  async recordSlice(
    job: LogDeleteJob,
    lease: string,
    deleted: number,
    cursor: string | undefined,
  ): Promise<boolean> {
    return this.conditional(job, {
      UpdateExpression: `ADD deleted :deleted SET updated_at = :now${cursor === undefined ? "" : ", #cursor = :cursor"}`,
      ConditionExpression: "lease = :lease",
      ExpressionAttributeNames: cursor === undefined ? undefined : { "#cursor": "cursor" },
      ExpressionAttributeValues: {
        ":deleted": deleted,
        ":now": iso(this.now()),
        ":lease": lease,
        ...(cursor === undefined ? {} : { ":cursor": cursor }),
      },
    });
  }

  /** Hands the job on to message `step + 1` (already sent), releasing the lease. */
  async advance(job: LogDeleteJob, step: number, lease: string): Promise<boolean> {
    return this.conditional(job, {
      UpdateExpression: "SET #step = :next, updated_at = :now REMOVE lease, lease_until",
      ConditionExpression: "#step = :step AND lease = :lease",
      ExpressionAttributeNames: { "#step": "step" },
      ExpressionAttributeValues: {
        ":next": step + 1,
        ":step": step,
        ":lease": lease,
        ":now": iso(this.now()),
      },
    });
  }

  /** The job's end: done, or failed with a reason. Only a job not yet ended ends; a lease, if given, must be held. */
  async finish(
    job: LogDeleteJob,
    outcome: { status: "done" } | { status: "failed"; error: string },
    lease?: string,
  ): Promise<boolean> {
    const now = this.now();
    return this.conditional(job, {
      UpdateExpression: `SET #status = :status, #step = #step + :one, finished_at = :now, updated_at = :now, expires_at = :expires${outcome.status === "failed" ? ", #error = :error" : ""} REMOVE lease, lease_until`,
      ConditionExpression: `#status IN (:queued, :running)${lease === undefined ? "" : " AND lease = :lease"}`,
      ExpressionAttributeNames: {
        "#status": "status",
        "#step": "step",
        ...(outcome.status === "failed" ? { "#error": "error" } : {}),
      },
      ExpressionAttributeValues: {
        ":status": outcome.status,
        ":one": 1,
        ":now": iso(now),
        ":expires": expiry(now),
        ":queued": "queued",
        ":running": "running",
        ...(outcome.status === "failed" ? { ":error": outcome.error } : {}),
        ...(lease === undefined ? {} : { ":lease": lease }),
      },
    });
  }

  /**
   * Marks a DELETE_OLDEST job as the gateway's current one until `untilMs`: true when no other job holds
   * the mark (or its time has passed). Each log-writer batch over the limit asks; one job does the trimming.
   */
  async markRetentionJob(
    accountId: string,
    gatewayId: string,
    jobId: string,
    untilMs: number,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...retentionJobKey(accountId, gatewayId), job_id: jobId, until: untilMs },
          ConditionExpression: "attribute_not_exists(pk) OR #until < :now",
          ExpressionAttributeNames: { "#until": "until" },
          ExpressionAttributeValues: { ":now": this.now() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Clears the mark a job holds, once it has ended. */
  async unmarkRetentionJob(accountId: string, gatewayId: string, jobId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: retentionJobKey(accountId, gatewayId),
          ConditionExpression: "job_id = :job",
          ExpressionAttributeValues: { ":job": jobId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async conditional(
    job: LogDeleteJob,
    update: Omit<ConstructorParameters<typeof UpdateCommand>[0], "TableName" | "Key">,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: deleteJobPartition(job.accountId, job.gatewayId), sk: job.id },
          ...update,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
