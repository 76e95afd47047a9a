import type { z } from "zod";
import { parseTraceContext, type TraceContext } from "../observability/otel/trace-context-headers.ts";
import type { metadataSchema } from "../schemas/log-event.ts";
import { GatewayError } from "./gateway-error.ts";

export type LogMetadata = z.infer<typeof metadataSchema>;

/** The per-request `cf-aig-*` headers this layer honours (reference 3.1). */
export interface RequestOptions {
  eventId: string | null;
  metadata: LogMetadata | null;
  /** null: follow the gateway's `collect_logs`. */
  collectLog: boolean | null;
  collectLogPayload: boolean;
  /** Milliseconds to the provider's first byte; null: the deployment default. */
  requestTimeoutMs: number | null;
  /** `cf-aig-otel-trace-id` / `-parent-span-id` (or `traceparent`): the trace the request's spans join. */
  traceContext?: TraceContext;
}

const MAX_METADATA_ENTRIES = 5;

function parseBooleanHeader(headers: Headers, name: string): boolean | null {
  const raw = headers.get(name);
  if (raw === null) return null;
  const value = raw.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw GatewayError.badRequest(`Invalid ${name} header "${raw}": expected true or false`);
}

/**
 * `cf-aig-metadata`: a JSON object of at most five flat entries. Like Cloudflare, extra entries are
 * ignored (the first five are kept), keys starting with `cf.` are reserved and dropped, and a header that
 * is not a flat JSON object is ignored as a whole rather than failing the AI call it rides on.
 */
export function parseMetadata(raw: string | null): LogMetadata | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const entries = Object.entries(parsed);
  if (entries.some(([, value]) => !["string", "number", "boolean"].includes(typeof value))) return null;
  const kept = entries.filter(([key]) => !key.startsWith("cf.")).slice(0, MAX_METADATA_ENTRIES);
  return kept.length > 0 ? (Object.fromEntries(kept) as LogMetadata) : null;
}

/** setTimeout's largest delay; anything above would silently fire after 1 ms. */
const MAX_TIMEOUT_MS = 2_147_483_647;

function parseTimeout(raw: string | null): number | null {
  if (raw === null) return null;
  const value = /^[1-9]\d*$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value <= MAX_TIMEOUT_MS)) {
    throw GatewayError.badRequest(
      `Invalid cf-aig-request-timeout header "${raw}": expected a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return value;
}

export function parseRequestOptions(headers: Headers): RequestOptions {
  const eventId = headers.get("cf-aig-event-id");
  if (eventId !== null && (eventId.length === 0 || eventId.length > 256)) {
    throw GatewayError.badRequest("Invalid cf-aig-event-id header: expected 1 to 256 characters");
  }
  const traceContext = parseTraceContext(headers);
  return {
    eventId,
    metadata: parseMetadata(headers.get("cf-aig-metadata")),
    collectLog: parseBooleanHeader(headers, "cf-aig-collect-log"),
    collectLogPayload: parseBooleanHeader(headers, "cf-aig-collect-log-payload") ?? true,
    requestTimeoutMs: parseTimeout(headers.get("cf-aig-request-timeout")),
    ...(traceContext ? { traceContext } : {}),
  };
}
