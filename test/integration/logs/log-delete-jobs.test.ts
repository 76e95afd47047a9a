import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packLogBodies } from "../../../shared/core/log-bodies.ts";
import type { LogDeleteMessage } from "../../../shared/logs/log-delete-message.ts";
import { runLogDeleteBatch } from "../../../shared/logs/log-delete-worker.ts";
import type { LogRetention } from "../../../shared/logs/log-retention.ts";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import { defaultGateway } from "../../../shared/schemas/gateway.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { GatewayStore } from "../../../shared/store/gateway-store.ts";
import { LogBodyObjects } from "../../../shared/store/log-body-objects.ts";
import { LogCounterStore } from "../../../shared/store/log-counter-store.ts";
import type { LogDeleteJob, LogDeleteSelection } from "../../../shared/store/log-delete-job-store.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { type RunningDeleteWorker, startDeleteWorker } from "../../support/log-delete-worker.ts";
import { type RunningS3, startS3 } from "../../support/s3-emulator.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";

const BUCKET = "log-bodies";
const SLICE = 5;
const BASE = Date.now() - 600_000;

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("on %s and fauxqs (SQS, S3)", (emulator) => {
  let dynamo: RunningDynamo;
  let s3: RunningS3;
  let table: string;
  let gateways: GatewayStore;
  let logs: LogStore;
  let counters: LogCounterStore;
  let deletes: RunningDeleteWorker;
  const retention: Record<string, LogRetention> = {};

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynamo(emulator), startS3()]);
    table = await dynamo.createTable("logs");
    const configTable = await dynamo.createTable("config");
    await s3.createBucket(BUCKET);
    const client = dynamo.documentClient;
    gateways = new GatewayStore(client, configTable);
    logs = new LogStore(client, table, Date.now, new LogBodyObjects(s3.client, BUCKET));
    counters = new LogCounterStore(client, table);
    deletes = await startDeleteWorker({
      client,
      logsTable: table,
      logs,
      gateways,
      retention: async (_account, gatewayId) => retention[gatewayId] ?? null,
      sliceSize: SLICE,
      // One slice per message: every slice is a message of its own, to look at the job between them.
      budgetMs: 0,
    });
  });

  afterAll(async () => {
    await deletes.stop();
    await Promise.all([dynamo.stop(), s3.stop()]);
  });

  /** Stores logs as the log-writer does: counted, bodies in S3; `shards: 1` writes the layout before shards. */
  async function store(events: LogEvent[], shards = 8): Promise<void> {
    const deps = writerDependencies(dynamo.documentClient, table, {
      retention,
      bodies: new LogBodyObjects(s3.client, BUCKET),
      bodiesS3MinBytes: 0,
    });
    const failed = await writeLogBatch(
      events.map((event) => message(event)),
      {
        ...deps,
        logs: new LogStore(
          dynamo.documentClient,
          table,
          Date.now,
          new LogBodyObjects(s3.client, BUCKET),
          0,
          shards,
        ),
        deleteJobs: deletes.jobs,
      },
    );
    expect(failed).toEqual([]);
  }

  async function eventsWithBodies(
    gatewayId: string,
    count: number,
    overrides: Partial<LogEvent> = {},
    from = BASE,
  ) {
    const events: LogEvent[] = [];
    for (let index = 0; index < count; index += 1) {
      const packed = await packLogBodies(Buffer.from(`{"n":${index}}`), Buffer.from(`{"a":${index}}`), true);
      events.push(
        logEvent(
          {
            gateway_id: gatewayId,
            request_body: packed.request,
            response_body: packed.response,
            cost: index,
            ...overrides,
          },
          from + index * 1000,
        ),
      );
    }
    return events;
  }

  async function newGateway(id: string) {
    return gateways.create("acct", defaultGateway(id, new Date()));
  }

  /** Receives the queue's next message and runs it as the event source mapping would; false when there is none. */
  async function runNextMessage(): Promise<{ body: string; failed: boolean } | undefined> {
    const { Messages = [] } = await deletes.sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: deletes.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    const [received] = Messages;
    if (!received?.Body) return undefined;
    const failed = await runLogDeleteBatch(
      [{ messageId: received.MessageId ?? "", body: received.Body }],
      deletes.worker,
    );
    if (failed.length === 0)
      await deletes.sqs.client.send(
        new DeleteMessageCommand({ QueueUrl: deletes.queueUrl, ReceiptHandle: received.ReceiptHandle }),
      );
    return { body: received.Body, failed: failed.length > 0 };
  }

  const jobOf = async (job: LogDeleteJob) =>
    (await deletes.jobs.store.get("acct", job.gatewayId, job.id)) as LogDeleteJob;

  async function runToEnd(job: LogDeleteJob): Promise<{ messages: number; progress: LogDeleteJob[] }> {
    const progress: LogDeleteJob[] = [];
    let messages = 0;
    while (messages < 50 && (await runNextMessage())) {
      messages += 1;
      progress.push(await jobOf(job));
    }
    return { messages, progress };
  }

  const openaiOnly: LogDeleteSelection = {
    kind: "filter",
    filters: [{ key: "provider", operator: "eq", value: ["openai"] }],
    orderBy: "created_at",
    direction: "asc",
  };

  describe("log-delete jobs, five logs a slice", () => {
    it("deletes more logs than one slice through several messages, with progress visible in between", async () => {
      const gateway = await newGateway("many");
      // 17 openai logs (12 in the shards, 5 in the layout before shards) and 4 anthropic ones that stay.
      const sharded = await eventsWithBodies("many", 12);
      const legacy = await eventsWithBodies("many", 5, {}, BASE + 100_000);
      const others = await eventsWithBodies("many", 4, { provider: "anthropic" }, BASE + 200_000);
      await store([...sharded, ...others]);
      await store(legacy, 1);
      expect((await counters.read("acct", "many")).stored).toBe(21);

      const job = await deletes.jobs.start("acct", gateway, openaiOnly);
      expect(job).toMatchObject({ status: "queued", deleted: 0 });
      const { messages, progress } = await runToEnd(job);

      expect(messages).toBeGreaterThanOrEqual(4);
      expect(progress.map((seen) => seen.deleted)).toEqual([
        5,
        10,
        15,
        17,
        ...progress.slice(4).map(() => 17),
      ]);
      expect(progress.slice(0, 3).every((seen) => seen.status === "running")).toBe(true);
      expect(progress.at(-1)).toMatchObject({ status: "done", deleted: 17 });
      expect(progress.at(-1)?.finishedAt).toBeDefined();
      expect((await counters.read("acct", "many")).stored).toBe(4);
      const left = await logs.list(
        "acct",
        "many",
        { filters: [], orderBy: "created_at", direction: "asc" },
        { page: 1, perPage: 50 },
      );
      expect(left.records.map((record) => record.id)).toEqual(others.map((event) => event.id));
      const keys = (await s3.keys(BUCKET)).filter((key) => key.startsWith("bodies/acct/many/"));
      expect(keys).toHaveLength(others.length * 2);
    });

    it("does not count twice when SQS delivers a message again", async () => {
      const gateway = await newGateway("redelivered");
      await store(await eventsWithBodies("redelivered", 8));
      const job = await deletes.jobs.start("acct", gateway, openaiOnly);
      const first = await runNextMessage();
      expect(first?.failed).toBe(false);
      // The same message again, after it ran: the job is past its step, so it is dropped.
      const again = await runLogDeleteBatch(
        [{ messageId: "again", body: first?.body ?? "" }],
        deletes.worker,
      );
      expect(again).toEqual([]);
      expect(await jobOf(job)).toMatchObject({ deleted: 5, step: 1 });
      expect((await counters.read("acct", "redelivered")).stored).toBe(3);
      await runToEnd(job);
      expect(await jobOf(job)).toMatchObject({ status: "done", deleted: 8 });
      expect((await counters.read("acct", "redelivered")).stored).toBe(0);
    });

    it("runs a message delivered twice at once only once: the other delivery fails, for SQS to retry", async () => {
      const gateway = await newGateway("twice");
      await store(await eventsWithBodies("twice", 4));
      const job = await deletes.jobs.start("acct", gateway, openaiOnly);
      const body = JSON.stringify({
        job_id: job.id,
        account_id: "acct",
        gateway_id: "twice",
        step: 0,
      } satisfies LogDeleteMessage);
      const [one, other] = await Promise.all([
        runLogDeleteBatch([{ messageId: "one", body }], deletes.worker),
        runLogDeleteBatch([{ messageId: "other", body }], deletes.worker),
      ]);
      expect([...one, ...other]).toHaveLength(1);
      expect(await jobOf(job)).toMatchObject({ status: "done", deleted: 4 });
      expect((await counters.read("acct", "twice")).stored).toBe(0);
      // The retried delivery then finds the job ended and is dropped.
      expect(await runLogDeleteBatch([{ messageId: "retry", body }], deletes.worker)).toEqual([]);
      await runToEnd(job);
    });

    it("ends a job failed, with the reason, when its gateway is deleted, and deletes nothing more", async () => {
      const gateway = await newGateway("doomed");
      await store(await eventsWithBodies("doomed", 3));
      const job = await deletes.jobs.start("acct", gateway, openaiOnly);
      await gateways.delete("acct", "doomed");
      await runToEnd(job);
      const ended = await jobOf(job);
      expect(ended).toMatchObject({ status: "failed", deleted: 0 });
      expect(ended.error).toContain('gateway "doomed" was deleted');
      expect((await counters.read("acct", "doomed")).stored).toBe(3);
    });

    it("deletes the `limit` most expensive logs in cost order, a slice at a time", async () => {
      const gateway = await newGateway("costly");
      const events = await eventsWithBodies("costly", 12);
      await store(events);
      const job = await deletes.jobs.start("acct", gateway, {
        kind: "filter",
        filters: [],
        orderBy: "cost",
        direction: "desc",
        limit: 7,
      });
      await runToEnd(job);
      expect(await jobOf(job)).toMatchObject({ status: "done", deleted: 7 });
      const left = await logs.list(
        "acct",
        "costly",
        { filters: [], orderBy: "cost", direction: "asc" },
        { page: 1, perPage: 50 },
      );
      expect(left.records.map((record) => record.cost)).toEqual([0, 1, 2, 3, 4]);
    });

    it("leaves logs created after the delete was accepted alone", async () => {
      const gateway = await newGateway("later");
      await store(await eventsWithBodies("later", 3));
      const job = await deletes.jobs.start("acct", gateway, openaiOnly);
      const after = await eventsWithBodies("later", 2, {}, Date.now() + 1_000);
      await store(after);
      await runToEnd(job);
      expect(await jobOf(job)).toMatchObject({ status: "done", deleted: 3 });
      const left = await logs.list(
        "acct",
        "later",
        { filters: [], orderBy: "created_at", direction: "asc" },
        { page: 1, perPage: 50 },
      );
      expect(left.records.map((record) => record.id)).toEqual(after.map((event) => event.id));
    });
  });

  describe("DELETE_OLDEST with an overflow larger than a slice", () => {
    it("is handed by the log-writer to one job, which trims the gateway to its limit, oldest first", async () => {
      await newGateway("overflowing");
      const events = await eventsWithBodies("overflowing", 18);
      await store(events);
      retention.overflowing = { limit: 4, strategy: "DELETE_OLDEST" };
      // One batch more, over the limit by 15: more than a slice, so the batch starts a job instead of trimming.
      const last = await eventsWithBodies("overflowing", 1, {}, BASE + 100_000);
      await store(last);
      expect((await counters.read("acct", "overflowing")).stored).toBe(19);
      // A second batch while the job waits starts no second job.
      const more = await eventsWithBodies("overflowing", 1, {}, BASE + 200_000);
      await store(more);
      const jobs = await deletes.jobs.store.listRecent("acct", "overflowing", 10);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ selection: { kind: "retention" }, status: "queued" });

      const { messages } = await runToEnd(jobs[0] as LogDeleteJob);
      expect(messages).toBeGreaterThanOrEqual(4);
      expect(await jobOf(jobs[0] as LogDeleteJob)).toMatchObject({ status: "done", deleted: 16 });
      expect((await counters.read("acct", "overflowing")).stored).toBe(4);
      const left = await logs.list(
        "acct",
        "overflowing",
        { filters: [], orderBy: "created_at", direction: "asc" },
        { page: 1, perPage: 50 },
      );
      expect(left.records.map((record) => record.id)).toEqual(
        [...events.slice(16), ...last, ...more].map((event) => event.id),
      );
    });
  });
});
