import { randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packLogBodies } from "../../../shared/core/log-bodies.ts";
import type { LogQuery } from "../../../shared/logs/log-query.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { LogBodyObjects, logBodyKey } from "../../../shared/store/log-body-objects.ts";
import { logPartition } from "../../../shared/store/log-keys.ts";
import { DEFAULT_LOG_SHARDS, writeLocation } from "../../../shared/store/log-shards.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { type RunningS3, startS3 } from "../../support/s3-emulator.ts";

const BUCKET = "log-bodies";

function logEvent(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    id: uuidv7(),
    account_id: "acct",
    gateway_id: "gw",
    created_at: new Date().toISOString(),
    provider: "openai",
    model: "gpt-4o-mini",
    path: "/v1/acct/gw/openai/chat/completions",
    method: "POST",
    status_code: 200,
    success: true,
    cached: false,
    duration: 12.5,
    time_to_first_byte: 4.25,
    tokens_in: 12,
    tokens_out: 5,
    cache_read_tokens: null,
    cache_write_tokens: null,
    metadata: {},
    event_id: "evt",
    request_id: "req",
    request_content_type: "application/json",
    response_content_type: "application/json",
    request_size: 10,
    response_size: 20,
    user_agent: "test",
    client_aborted: false,
    error: null,
    request_body: null,
    response_body: null,
    ...overrides,
  };
}

/** A log whose bodies gzip to a few hundred bytes, far below the default threshold: a chat exchange. */
async function withSmallBodies(gatewayId: string) {
  const request = Buffer.from(JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }] }));
  const response = Buffer.from(JSON.stringify({ choices: [{ message: { content: "Hello!" } }] }));
  const packed = await packLogBodies(request, response, true);
  const event = logEvent({
    gateway_id: gatewayId,
    request_body: packed.request,
    response_body: packed.response,
  });
  return { event, request, response };
}

const everything: LogQuery = { filters: [], orderBy: "created_at", direction: "asc" };

/** A chat request (small: sent raw, gzipped by the log-writer) and a large response (gzipped by the proxy). */
async function withBodies(gatewayId = "gw") {
  const request = Buffer.from(JSON.stringify({ model: "m", messages: [{ role: "user", content: "héllo" }] }));
  const response = Buffer.from(`data: ${randomBytes(20_000).toString("base64")}\n\ndata: [DONE]\n\n`);
  const packed = await packLogBodies(request, response, true);
  const event = logEvent({
    gateway_id: gatewayId,
    request_body: packed.request,
    response_body: packed.response,
  });
  return { event, request, response };
}

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("Log bodies in S3, logs on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let s3: RunningS3;
  let table: string;
  /** Every log's bodies in S3 (threshold 0). */
  let store: LogStore;
  /** The log-writer's default: bodies in S3 only when they gzip to 16 KB or more together. */
  let byThreshold: LogStore;
  /** The layout before bodies moved to S3: the same table, bodies as items of their own. */
  let tableOnly: LogStore;

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynamo(emulator), startS3()]);
    table = await dynamo.createTable("logs");
    await s3.createBucket(BUCKET);
    const bodies = new LogBodyObjects(s3.client, BUCKET);
    store = new LogStore(dynamo.documentClient, table, Date.now, bodies, 0);
    byThreshold = new LogStore(dynamo.documentClient, table, Date.now, bodies);
    tableOnly = new LogStore(dynamo.documentClient, table);
  });

  afterAll(async () => {
    await Promise.all([dynamo.stop(), s3.stop()]);
  });

  it("writes each body as a gzip object, not into the table, and reads it back byte for byte", async () => {
    const { event, request, response } = await withBodies();
    await store.put(event);
    const requestObject = await s3.objectBytes(BUCKET, logBodyKey("acct", "gw", event.id, "request"));
    const responseObject = await s3.objectBytes(BUCKET, logBodyKey("acct", "gw", event.id, "response"));
    expect(Buffer.from(gunzipSync(requestObject ?? new Uint8Array())).equals(request)).toBe(true);
    expect(Buffer.from(gunzipSync(responseObject ?? new Uint8Array())).equals(response)).toBe(true);
    expect(await store.getBody("acct", "gw", event.id, "request")).toBe(request.toString("utf8"));
    expect(await store.getBody("acct", "gw", event.id, "response")).toBe(response.toString("utf8"));

    const { Item: bodyItem } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk: writeLocation("acct", "gw", event.id, DEFAULT_LOG_SHARDS).bodyPk, sk: event.id },
      }),
    );
    expect(bodyItem).toBeUndefined();
    const { Item: logItem } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk: writeLocation("acct", "gw", event.id, DEFAULT_LOG_SHARDS).logPk, sk: event.id },
      }),
    );
    expect(logItem).toMatchObject({ body_store: "s3" });
    expect(logItem).not.toHaveProperty("request_body");
    expect(await store.get("acct", "gw", event.id)).not.toHaveProperty("body_store");
  });

  it("stores a batch's bodies first, then its log items, as the log-writer does", async () => {
    const batch = await Promise.all([withBodies("batch"), withBodies("batch"), withBodies("batch")]);
    await store.putBodies(batch.map(({ event }) => event));
    for (const { event } of batch) expect(await store.insertLogItem(event)).toBe(true);
    for (const { event, response } of batch)
      expect(await store.getBody("acct", "batch", event.id, "response")).toBe(response.toString("utf8"));
  });

  it("keeps a small log's bodies as a table item under the default threshold, and reads them back", async () => {
    const { event, request, response } = await withSmallBodies("small");
    await byThreshold.putBodies([event]);
    expect(await byThreshold.insertLogItem(event)).toBe(true);
    expect((await s3.keys(BUCKET)).filter((key) => key.includes("/small/"))).toEqual([]);
    const { Item: bodyItem } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk: writeLocation("acct", "small", event.id, DEFAULT_LOG_SHARDS).bodyPk, sk: event.id },
      }),
    );
    expect(bodyItem).toHaveProperty("request_body");
    const { Item: logItem } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk: writeLocation("acct", "small", event.id, DEFAULT_LOG_SHARDS).logPk, sk: event.id },
      }),
    );
    expect(logItem).not.toHaveProperty("body_store");
    expect(await byThreshold.getBody("acct", "small", event.id, "request")).toBe(request.toString());
    expect(await byThreshold.getBody("acct", "small", event.id, "response")).toBe(response.toString());
  });

  it("puts a large log's bodies in S3 under the default threshold, and reads them back", async () => {
    const { event, request, response } = await withBodies("large");
    await byThreshold.put(event);
    expect((await s3.keys(BUCKET)).filter((key) => key.includes("/large/")).sort()).toEqual([
      logBodyKey("acct", "large", event.id, "request"),
      logBodyKey("acct", "large", event.id, "response"),
    ]);
    const { Item: bodyItem } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk: writeLocation("acct", "large", event.id, DEFAULT_LOG_SHARDS).bodyPk, sk: event.id },
      }),
    );
    expect(bodyItem).toBeUndefined();
    expect(await byThreshold.getBody("acct", "large", event.id, "request")).toBe(request.toString());
    expect(await byThreshold.getBody("acct", "large", event.id, "response")).toBe(response.toString());
  });

  it("sends even a small log's bodies to S3 with threshold 0", async () => {
    const { event, request } = await withSmallBodies("zero");
    await store.put(event);
    expect((await s3.keys(BUCKET)).filter((key) => key.includes("/zero/"))).toHaveLength(2);
    expect(await store.getBody("acct", "zero", event.id, "request")).toBe(request.toString());
  });

  it("deletes by filter a mix of logs with bodies in the table and in S3, both kinds", async () => {
    const small = await withSmallBodies("mixed");
    const large = await withBodies("mixed");
    await byThreshold.putBodies([small.event, large.event]);
    for (const { event } of [small, large]) expect(await byThreshold.insertLogItem(event)).toBe(true);
    expect((await s3.keys(BUCKET)).filter((key) => key.includes("/mixed/"))).toHaveLength(2);

    const ids = await byThreshold.selectIds("acct", "mixed", everything, 100);
    expect(ids.sort()).toEqual([small.event.id, large.event.id].sort());
    expect(await byThreshold.deleteLogs("acct", "mixed", ids)).toBe(2);
    expect((await s3.keys(BUCKET)).filter((key) => key.includes("/mixed/"))).toEqual([]);
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: table,
        Key: {
          pk: writeLocation("acct", "mixed", small.event.id, DEFAULT_LOG_SHARDS).bodyPk,
          sk: small.event.id,
        },
      }),
    );
    expect(Item).toBeUndefined();
  });

  it("writes no object for a log without bodies, and answers null for its bodies", async () => {
    const event = logEvent({ gateway_id: "bare" });
    await store.put(event);
    expect(await s3.keys(BUCKET)).not.toContain(logBodyKey("acct", "bare", event.id, "request"));
    expect(await store.getBody("acct", "bare", event.id, "request")).toBeNull();
  });

  it("answers null for the body a log did not keep, beside the one it kept", async () => {
    const request = Buffer.from('{"only":"request"}');
    const packed = await packLogBodies(request, null, true);
    const event = logEvent({ gateway_id: "one-body", request_body: packed.request });
    await store.put(event);
    expect(await store.getBody("acct", "one-body", event.id, "request")).toBe(request.toString());
    expect(await store.getBody("acct", "one-body", event.id, "response")).toBeNull();
  });

  it("deletes a log's body objects with the log", async () => {
    const kept = await withBodies("deleting");
    const deleted = await withBodies("deleting");
    await store.put(kept.event);
    await store.put(deleted.event);
    expect(await store.deleteLogs("acct", "deleting", [deleted.event.id])).toBe(1);
    expect(await s3.objectBytes(BUCKET, logBodyKey("acct", "deleting", deleted.event.id, "request"))).toBe(
      undefined,
    );
    expect(await s3.objectBytes(BUCKET, logBodyKey("acct", "deleting", deleted.event.id, "response"))).toBe(
      undefined,
    );
    expect(await store.getBody("acct", "deleting", deleted.event.id, "request")).toBeUndefined();
    expect(await store.getBody("acct", "deleting", kept.event.id, "request")).toBe(kept.request.toString());
  });

  it("deletes the oldest logs' objects when retention removes them", async () => {
    const logs = [await withBodies("retained"), await withBodies("retained")];
    for (const { event } of logs) await store.put(event);
    const oldest = await store.oldestIds("acct", "retained", 1);
    expect(oldest).toEqual([logs[0]?.event.id]);
    await store.deleteLogs("acct", "retained", oldest);
    const keys = await s3.keys(BUCKET);
    expect(keys.filter((key) => key.includes("/retained/"))).toEqual([
      logBodyKey("acct", "retained", logs[1]?.event.id ?? "", "request"),
      logBodyKey("acct", "retained", logs[1]?.event.id ?? "", "response"),
    ]);
  });

  it("still reads and deletes logs stored with body items in the table", async () => {
    const { event, request, response } = await withBodies("old-layout");
    await tableOnly.put(event);
    expect(await s3.keys(BUCKET)).not.toContain(logBodyKey("acct", "old-layout", event.id, "request"));
    expect(await store.getBody("acct", "old-layout", event.id, "request")).toBe(request.toString("utf8"));
    expect(await store.getBody("acct", "old-layout", event.id, "response")).toBe(response.toString("utf8"));
    expect(await store.deleteLogs("acct", "old-layout", [event.id])).toBe(1);
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({
        TableName: table,
        Key: { pk: writeLocation("acct", "old-layout", event.id, DEFAULT_LOG_SHARDS).bodyPk, sk: event.id },
      }),
    );
    expect(Item).toBeUndefined();
  });

  it("still reads logs whose bodies are inline in the log item (the oldest layout)", async () => {
    const { request_body, response_body, account_id, ...fields } = logEvent({ gateway_id: "inline" });
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: logPartition("acct", "inline"),
          sk: fields.id,
          ...fields,
          request_body: gzipSync(Buffer.from('{"inline":true}')),
          request_head_complete: true,
          response_head_complete: null,
        },
      }),
    );
    expect(await store.getBody("acct", "inline", fields.id, "request")).toBe('{"inline":true}');
    expect(await store.getBody("acct", "inline", fields.id, "response")).toBeNull();
  });
});
