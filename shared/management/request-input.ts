import type { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";
import { bodyTooLarge } from "./management-errors.ts";

/**
 * Management bodies are small configuration objects. The bound also keeps every stored item far below
 * DynamoDB's 400 KB item limit, whatever the body holds.
 */
export const MAX_MANAGEMENT_BODY_BYTES = 64 * 1024;

/** The request body as a JSON object, or a 4xx that says what is wrong with it. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_MANAGEMENT_BODY_BYTES) throw bodyTooLarge(MAX_MANAGEMENT_BODY_BYTES);
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") throw GatewayError.badRequest("Request body is empty: send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw GatewayError.badRequest(
      `Request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw GatewayError.badRequest("Request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

export interface ParseOptions {
  /** "body" fields or "query" parameters: only changes the wording. */
  source?: "body" | "query";
  /** Known fields that are refused on purpose, with the reason to give. */
  unsupported?: ReadonlyMap<string, string> | ReadonlySet<string>;
}

/** Keys and paths are the client's text: quote them and keep them short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}...` : text);
}

function unsupportedReason(key: string, options: ParseOptions): string | undefined {
  const unsupported = options.unsupported;
  if (!unsupported?.has(key)) return undefined;
  return unsupported instanceof Map ? unsupported.get(key) : "is not supported by this gateway";
}

/** One line per problem, naming the field: `Unknown field "foo"`, `cache_ttl: Too big: ...`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], options: ParseOptions = {}): string {
  const noun = options.source === "query" ? "query parameter" : "field";
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const name = [...path, key].join(".");
        const reason = path.length === 0 ? unsupportedReason(key, options) : undefined;
        const capitalised = noun[0]?.toUpperCase() + noun.slice(1);
        lines.push(reason ? `${capitalised} ${quote(name)} ${reason}` : `Unknown ${noun} ${quote(name)}`);
      }
      continue;
    }
    const where = path.length > 0 ? path.join(".") : options.source === "query" ? "query" : "body";
    // Zod says "expected number, received undefined" of a field that is missing; say it plainly.
    const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
    lines.push(`${where}: ${missing ? `is required (${issue.expected})` : issue.message}`);
  }
  const shown = lines.slice(0, 10);
  if (lines.length > shown.length) shown.push(`and ${lines.length - shown.length} more`);
  return shown.join("; ");
}

/** Validates fully (nothing is written before this returns) or throws a 400 naming every problem. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  options: ParseOptions = {},
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw GatewayError.badRequest(describeIssues(result.error.issues, options));
  return result.data;
}

/** The query string as an object for a strict schema (a repeated parameter keeps its last value). */
export function queryObject(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}
