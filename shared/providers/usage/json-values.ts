/** Small readers for untrusted parsed JSON: they return undefined instead of throwing on a wrong shape. */
import { isRecord, type JsonRecord } from "../../core/json-record.ts";

// Re-exported so the usage extractors keep one import; the shape test itself lives in core/json-record.ts.
export { isRecord, type JsonRecord } from "../../core/json-record.ts";

/** The named member when it is an object. */
export function recordAt(value: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(value)) return undefined;
  const member = value[key];
  return isRecord(member) ? member : undefined;
}

/** A token count: a non-negative safe integer, or undefined for anything else (null, strings, NaN...). */
export function countAt(value: JsonRecord | undefined, key: string): number | undefined {
  const member = value?.[key];
  return typeof member === "number" && Number.isSafeInteger(member) && member >= 0 ? member : undefined;
}

/** A non-empty string member. */
export function stringAt(value: JsonRecord | undefined, key: string): string | undefined {
  const member = value?.[key];
  return typeof member === "string" && member.length > 0 ? member : undefined;
}

/** Sum of counts where at least one is present; undefined when none is. */
export function sumCounts(...counts: (number | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const count of counts) {
    if (count !== undefined) total = (total ?? 0) + count;
  }
  return total;
}
