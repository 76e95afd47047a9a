import type { AccessRecord } from "./access-record.ts";
import type { LogFormat } from "./cli-options.ts";

const ANSI = {
  dim: "\x1b[2m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  cyan: "\x1b[36m",
  reset: "\x1b[0m",
};

/**
 * `npm start`'s access log: one line per request, written after its response is over. `json` is one
 * AccessRecord a line (for a pipe or a file); `pretty` is for a person, coloured when `color`.
 */
export function accessLogLine(record: AccessRecord, format: LogFormat, color = false): string {
  return format === "json" ? JSON.stringify(record) : prettyLine(record, color);
}

/** `12:03:04 POST 200 provider default openai/gpt-4o-mini MISS 12→34 tok $0.000021 152ms (provider 140ms) <log id>` */
function prettyLine(record: AccessRecord, color: boolean): string {
  const paint = (code: keyof typeof ANSI, text: string) =>
    color ? `${ANSI[code]}${text}${ANSI.reset}` : text;
  const statusColor = record.status >= 500 ? "red" : record.status >= 400 ? "yellow" : "green";
  const parts = [
    paint("dim", localTime(record.time)),
    record.method,
    paint(statusColor, String(record.status)),
    record.surface,
  ];
  if (record.surface === "management" || record.surface === "none") {
    parts.push(record.path);
  } else {
    parts.push(record.gateway ?? "-", paint("cyan", target(record)));
    if (record.cache) parts.push(record.cache);
    if (record.tokens_in !== null || record.tokens_out !== null) {
      parts.push(`${record.tokens_in ?? "?"}→${record.tokens_out ?? "?"} tok`);
    }
    if (record.cost !== null) parts.push(`$${formatCost(record.cost)}`);
  }
  parts.push(
    record.provider_ms === null
      ? `${Math.round(record.total_ms)}ms`
      : `${Math.round(record.total_ms)}ms (provider ${Math.round(record.provider_ms)}ms)`,
  );
  if (record.attempts > 1) parts.push(`${record.attempts} attempts`);
  if (record.log_id) parts.push(paint("dim", record.log_id));
  return parts.join(" ");
}

/** The wall-clock time in the machine's time zone, as a dev server prints it: 14:03:07.215. */
function localTime(iso: string): string {
  const date = new Date(iso);
  return `${date.toTimeString().slice(0, 8)}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

function target(record: AccessRecord): string {
  if (record.provider && record.model) return `${record.provider}/${record.model}`;
  return record.provider ?? record.model ?? record.path;
}

/** Three significant digits, no exponent, at least cents: 0.000021, 0.0123, 1.50. */
function formatCost(cost: number): string {
  if (cost <= 0) return "0";
  const digits = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(cost))));
  return cost.toFixed(digits).replace(/(\.\d\d\d*?)0+$/, "$1");
}
