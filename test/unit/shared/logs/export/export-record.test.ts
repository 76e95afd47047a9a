import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS } from "../../../../../shared/logs/export/export-columns.ts";
import { exportDateOf, exportRecordOf } from "../../../../../shared/logs/export/export-record.ts";
import { logEvent } from "../../../../integration/logs/log-fixtures.ts";

/** Whether a JSON value is one Firehose's OpenX JSON SerDe reads into a column of this Hive type. */
function fitsColumn(value: unknown, type: string): boolean {
  if (value === null) return true;
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "int":
    case "bigint":
      return Number.isInteger(value);
    case "double":
      return typeof value === "number";
    case "map<string,string>":
      return (
        typeof value === "object" &&
        Object.values(value as object).every((entry) => typeof entry === "string")
      );
    case "struct<code:int,message:string>": {
      const { code, message, ...rest } = value as Record<string, unknown>;
      return Number.isInteger(code) && typeof message === "string" && Object.keys(rest).length === 0;
    }
    default:
      return false;
  }
}

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
    expect(record).toMatchObject({ cost: null, attempt: null, step: null, route_name: null });
    expect(Object.values(record)).not.toContain(undefined);
  });

  it("takes the date partition from created_at's UTC day", () => {
    const at = Date.UTC(2026, 11, 31, 23, 59, 59);
    expect(exportDateOf(exportRecordOf(logEvent({}, at)))).toBe("2026-12-31");
  });
});
