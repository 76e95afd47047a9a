import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { recordingLogger } from "../../support/recording-logger.ts";
import { writerDependencies } from "./log-fixtures.ts";

const valid = (id: string): LogEvent => ({
  id,
  account_id: "acct",
  gateway_id: "gw",
  created_at: "2026-11-25T00:00:00.000Z",
  provider: "openai",
  model: "gpt-4o-mini",
  path: "/v1/acct/gw/openai/chat/completions",
  method: "POST",
  status_code: 200,
  success: true,
  cached: false,
  duration: 10,
  time_to_first_byte: 5,
  tokens_in: 1,
  tokens_out: 2,
  cache_read_tokens: null,
  cache_write_tokens: null,
  metadata: null,
  event_id: id,
  request_id: id,
  request_content_type: "application/json",
  response_content_type: "application/json",
  request_size: 1,
  response_size: 2,
  user_agent: null,
  client_aborted: false,
  error: null,
  request_body: null,
  response_body: null,
});

describe("writeLogBatch against DynamoDB Local", () => {
  let dynamo: RunningDynamo;
  let store: LogStore;
  let tableName: string;

  beforeAll(async () => {
    dynamo = await startDynamo("dynamodb-local");
    tableName = await dynamo.createTable("logs");
    store = new LogStore(dynamo.documentClient, tableName);
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("stores the good messages and reports only the bad ones as failed", async () => {
    const logger = recordingLogger();
    const failed = await writeLogBatch(
      [
        { messageId: "m1", body: JSON.stringify(valid("0190a5c4-0000-7000-8000-000000000001")) },
        { messageId: "m2", body: "not json" },
        { messageId: "m3", body: JSON.stringify({ ...valid("x"), status_code: "200" }) },
        { messageId: "m4", body: JSON.stringify(valid("0190a5c4-0000-7000-8000-000000000004")) },
      ],
      { ...writerDependencies(dynamo.documentClient, tableName), logger },
    );
    expect(failed).toEqual(["m2", "m3"]);
    expect(await store.get("acct", "gw", "0190a5c4-0000-7000-8000-000000000001")).toBeDefined();
    expect(await store.get("acct", "gw", "0190a5c4-0000-7000-8000-000000000004")).toBeDefined();
    expect(logger.lines.map((line) => line.attributes.message_id)).toEqual(["m2", "m3"]);
  });

  it("reports every message as failed when the table cannot be written", async () => {
    const failed = await writeLogBatch(
      [{ messageId: "m1", body: JSON.stringify(valid("0190a5c4-0000-7000-8000-000000000009")) }],
      { ...writerDependencies(dynamo.documentClient, "no-such-table"), logger: recordingLogger() },
    );
    expect(failed).toEqual(["m1"]);
  });
});
