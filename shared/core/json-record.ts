/** A parsed JSON object, its members not yet checked. */
export type JsonRecord = Record<string, unknown>;

/** A JSON object: not null, not an array. The one test of that shape for untrusted parsed JSON. */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
