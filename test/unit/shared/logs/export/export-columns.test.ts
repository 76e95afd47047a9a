import { describe, expect, expectTypeOf, it } from "vitest";
import {
  EXPORT_COLUMNS,
  EXPORT_EXCLUDED_FIELDS,
  type ExportColumnName,
} from "../../../../../shared/logs/export/export-columns.ts";
import { logEventSchema } from "../../../../../shared/schemas/log-event.ts";
import type { LogRecord } from "../../../../../shared/store/log-items.ts";

const columnNames: ReadonlySet<string> = new Set(EXPORT_COLUMNS.map((column) => column.name));
const excludedNames: ReadonlySet<string> = new Set(Object.keys(EXPORT_EXCLUDED_FIELDS));

describe("EXPORT_COLUMNS", () => {
  it("covers every field of the log event: each is a column or excluded with a reason", () => {
    const uncovered = Object.keys(logEventSchema.shape).filter(
      (field) => !columnNames.has(field) && !excludedNames.has(field),
    );
    expect(uncovered).toEqual([]);
  });

  it("covers every field of the logs API's record (checked by tsc: a new field fails the type check)", () => {
    type Excluded = keyof typeof EXPORT_EXCLUDED_FIELDS;
    expectTypeOf<Exclude<keyof LogRecord, ExportColumnName | Excluded>>().toEqualTypeOf<never>();
    expect(columnNames.has("request_head_complete") && columnNames.has("response_head_complete")).toBe(true);
  });

  it("excludes only fields that exist, none of which is also a column, each with its reason", () => {
    const known = new Set([...Object.keys(logEventSchema.shape), "feedback", "score"]);
    for (const [field, reason] of Object.entries(EXPORT_EXCLUDED_FIELDS)) {
      expect({ field, known: known.has(field), column: columnNames.has(field) }).toEqual({
        field,
        known: true,
        column: false,
      });
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it("names each column once, in Glue's spelling (lower case, digits, underscores)", () => {
    expect(columnNames.size).toBe(EXPORT_COLUMNS.length);
    for (const { name } of EXPORT_COLUMNS) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
  });
});
