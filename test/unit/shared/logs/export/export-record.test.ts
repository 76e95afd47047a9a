import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS } from "../../../../../shared/logs/export/export-columns.ts";
import { exportDateOf, exportRecordOf } from "../../../../../shared/logs/export/export-record.ts";
import { guardrailPhaseLogSchema } from "../../../../../shared/schemas/guardrails.ts";
import { logEventSchema } from "../../../../../shared/schemas/log-event.ts";
import { logEvent } from "../../../../integration/logs/log-fixtures.ts";
import { fitsColumn, structFields } from "../../../../support/hive-types.ts";

describe("exportRecordOf", () => {
  const full = logEvent({
    cost: 0.0012,
    custom_cost: true,
    provider_wait: 9,
    gateway_overhead: 3.5,
    cache_read_tokens: 4,
    cache_write_tokens: 0,
    error: { code: 2005, message: "upstream timed out" },
    attempt: 2,
    step: 1,
    route_name: "support",
    route_version_id: "v1",
    route_element_id: "e1",
    requested_model: "@cf/meta/llama-3.1-8b-instruct",
    dlp_action: "REDACT",
    dlp_policies: ["pii"],
    dlp_profiles: ["profile-1", "profile-2"],
    dlp_entries: ["email", "credit-card"],
    dlp_check: ["REQUEST", "RESPONSE"],
    otel_trace_id: "0af7651916cd43dd8448eb211c80319c",
    otel_parent_span_id: "b7ad6b7169203331",
    guardrails: {
      prompt: {
        action: "FLAG",
        categories: ["S1"],
        scanner: "llama-guard",
        scanner_unavailable: false,
        evaluations: 1,
      },
    },
    request_body: { base64: "e30=", complete: true },
    response_body: { gzip_base64: "H4sI", complete: false },
  });

  it("has exactly the Glue table's columns, in its order, each value of its column's type", () => {
    const record = exportRecordOf(full);
    expect(Object.keys(record)).toEqual(EXPORT_COLUMNS.map((column) => column.name));
    for (const column of EXPORT_COLUMNS) {
      expect({ column: column.name, fits: fitsColumn(record[column.name], column.type) }).toEqual({
        column: column.name,
        fits: true,
      });
    }
  });

  it("is built from an event with every field set, so each column's type is checked against a value", () => {
    const bodies = ["request_body", "response_body"];
    const unset = Object.keys(logEventSchema.shape).filter(
      (field) => !bodies.includes(field) && full[field as keyof typeof full] === undefined,
    );
    expect(unset).toEqual([]);
    const nullColumns = Object.entries(exportRecordOf(full)).filter(([, value]) => value === null);
    expect(nullColumns.map(([column]) => column)).toEqual([]);
  });

  it("carries DLP, guardrails, the platform model and the trace as the logs API shows them", () => {
    expect(exportRecordOf(full)).toMatchObject({
      requested_model: "@cf/meta/llama-3.1-8b-instruct",
      dlp_action: "REDACT",
      dlp_policies: ["pii"],
      dlp_profiles: ["profile-1", "profile-2"],
      dlp_entries: ["email", "credit-card"],
      dlp_check: ["REQUEST", "RESPONSE"],
      otel_trace_id: "0af7651916cd43dd8448eb211c80319c",
      otel_parent_span_id: "b7ad6b7169203331",
      guardrails: {
        prompt: {
          action: "FLAG",
          categories: ["S1"],
          scanner: "llama-guard",
          scanner_unavailable: false,
          evaluations: 1,
        },
        response: null,
      },
    });
  });

  it("declares the guardrails struct with exactly the fields of a logged guardrail phase", () => {
    const guardrails = EXPORT_COLUMNS.find((column) => column.name === "guardrails");
    if (!guardrails) throw new Error("no guardrails column");
    const phases = structFields(guardrails.type);
    expect([...phases.keys()]).toEqual(["prompt", "response"]);
    for (const phase of phases.values())
      expect([...structFields(phase).keys()]).toEqual(Object.keys(guardrailPhaseLogSchema.shape));
  });

  it("keeps no body, only whether each was kept whole, as the logs API shows", () => {
    const record = exportRecordOf(full);
    expect(JSON.stringify(record)).not.toContain("e30=");
    expect(record).toMatchObject({ request_head_complete: true, response_head_complete: false });
    expect(exportRecordOf(logEvent())).toMatchObject({
      request_head_complete: null,
      response_head_complete: null,
    });
  });

  it("writes metadata values as strings, since a Glue map has one value type", () => {
    expect(exportRecordOf(logEvent({ metadata: { user: "u-1", n: 2, beta: true } })).metadata).toEqual({
      user: "u-1",
      n: "2",
      beta: "true",
    });
  });

  it("writes fields that older events lack as null, so every record has every column", () => {
    const record = exportRecordOf(logEvent());
    expect(record).toMatchObject({
      cost: null,
      attempt: null,
      step: null,
      route_name: null,
      requested_model: null,
      dlp_action: null,
      dlp_policies: null,
      otel_trace_id: null,
      guardrails: null,
    });
    expect(Object.values(record)).not.toContain(undefined);
  });

  it("takes the date partition from created_at's UTC day", () => {
    const at = Date.UTC(2026, 11, 31, 23, 59, 59);
    expect(exportDateOf(exportRecordOf(logEvent({}, at)))).toBe("2026-12-31");
  });
});
