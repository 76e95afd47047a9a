import type { StructuredLogger } from "../../shared/core/structured-logger.ts";

export interface RecordedLine {
  level: "info" | "warn" | "error";
  message: string;
  attributes: Record<string, unknown>;
}

/** A logger that keeps what it is told, so a test can read the structured log. */
export function recordingLogger(): StructuredLogger & { lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  const record =
    (level: RecordedLine["level"]) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      lines.push({ level, message, attributes: Object.assign({}, ...extra) });
  return { lines, info: record("info"), warn: record("warn"), error: record("error") };
}
