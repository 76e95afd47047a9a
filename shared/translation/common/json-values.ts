import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord, type JsonRecord } from "../../core/json-record.ts";

// Re-exported so the translators keep one import; the shape test itself lives in core/json-record.ts.
export { isRecord, type JsonRecord } from "../../core/json-record.ts";

export function recordAt(value: JsonRecord, key: string): JsonRecord | undefined {
  const found = value[key];
  return isRecord(found) ? found : undefined;
}

export function stringAt(value: JsonRecord, key: string): string | undefined {
  const found = value[key];
  return typeof found === "string" ? found : undefined;
}

export function arrayAt(value: JsonRecord, key: string): unknown[] {
  const found = value[key];
  return Array.isArray(found) ? found : [];
}

/** A non-negative finite count, or undefined when absent or not a number. */
export function countAt(value: JsonRecord | undefined, key: string): number | undefined {
  const found = value?.[key];
  return typeof found === "number" && Number.isFinite(found) && found >= 0 ? found : undefined;
}

/** Tool-call arguments are a JSON string in OpenAI's format; providers want the object. */
export function parseToolArguments(argumentsText: string, toolName: string): unknown {
  if (argumentsText.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    if (!isRecord(parsed)) throw new Error("not an object");
    return parsed;
  } catch {
    throw GatewayError.badRequest(
      `messages: the arguments of tool call "${toolName}" must be a JSON object encoded as a string`,
    );
  }
}

/** A provider's tool input object back to OpenAI's JSON string. */
export function stringifyToolInput(input: unknown): string {
  return JSON.stringify(input ?? {});
}
