import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, EXPORT_EXCLUDED_FIELDS } from "../../../shared/logs/export/export-columns.ts";
import { exportRecordOf } from "../../../shared/logs/export/export-record.ts";
import { writeLogBatch } from "../../../shared/logs/write-log-batch.ts";
import { logEventSchema } from "../../../shared/schemas/log-event.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { logEvent, message, writerDependencies } from "./log-fixtures.ts";
import { type ManagementClient, managementOver } from "./management-fixture.ts";

/** A log with every field of the event set, so the logs API's record shows every field it can. */
const full = logEvent({
  gateway_id: "default",
  cost: 0.0012,
  custom_cost: false,
  provider_wait: 9,
  gateway_overhead: 3.5,
  cache_read_tokens: 4,
  cache_write_tokens: 1,
  error: { code: 2005, message: "upstream timed out" },
  attempt: 1,
  step: 0,
  route_name: "support",
  route_version_id: "v1",
  route_element_id: "e1",
  requested_model: "@cf/meta/llama-3.1-8b-instruct",
  dlp_action: "FLAG",
  dlp_policies: ["pii"],
  dlp_profiles: ["profile-1"],
  dlp_entries: ["email"],
  dlp_check: ["REQUEST"],
  otel_trace_id: "0af7651916cd43dd8448eb211c80319c",
  otel_parent_span_id: "b7ad6b7169203331",
  guardrails: {
    response: {
      action: "NONE",
      categories: [],
      scanner: "llama-guard",
      scanner_unavailable: false,
      evaluations: 1,
    },
  },
  request_body: { base64: "e30=", complete: true },
  response_body: { base64: "e30=", complete: false },
});

let dynamo: RunningDynamo;
let api: ManagementClient;
let shown: Record<string, unknown>;

beforeAll(async () => {
  expect(
    Object.keys(logEventSchema.shape).filter((field) => full[field as keyof typeof full] === undefined),
  ).toEqual([]);
  dynamo = await startDynamo("dynamodb-local");
  const table = await dynamo.createTable("logs");
  api = await managementOver(dynamo, table);
  expect(await writeLogBatch([message(full)], writerDependencies(dynamo.documentClient, table))).toEqual([]);
  // Feedback and score, set later through the API, are fields of the record too.
  const patched = await api.call("PATCH", `/gateways/default/logs/${full.id}`, { feedback: 1, score: 80 });
  expect(patched.status).toBe(200);
  const got = await api.call<Record<string, unknown>>("GET", `/gateways/default/logs/${full.id}`);
  expect(got.status).toBe(200);
  shown = got.body.result;
});

afterAll(async () => {
  await api.stop();
  await dynamo.stop();
});

describe("the exported record against the logs API's record of the same log (DynamoDB Local)", () => {
  it("has a column, or a reason to leave it out, for every field the logs API shows", () => {
    const columns = new Set<string>(EXPORT_COLUMNS.map((column) => column.name));
    const uncovered = Object.keys(shown).filter(
      (field) => !columns.has(field) && !(field in EXPORT_EXCLUDED_FIELDS),
    );
    expect(uncovered).toEqual([]);
    expect(shown).toMatchObject({ feedback: 1, score: 80 });
  });

  it("holds the value the logs API shows in every column they share (metadata values as strings)", () => {
    const record = exportRecordOf(full);
    const { metadata, ...rest } = shown;
    const shared = Object.fromEntries(Object.entries(rest).filter(([field]) => field in record));
    expect(record).toMatchObject(shared);
    expect(Object.keys(shared).length).toBe(EXPORT_COLUMNS.length - 2); // all but account_id and metadata
    expect(record.metadata).toEqual(
      Object.fromEntries(Object.entries(metadata as object).map(([key, value]) => [key, String(value)])),
    );
  });
});
