/**
 * The strings of a JSON body that a model reads or a user sees, found by walking the body from a few root
 * fields and skipping the fields that carry ids, roles, media types or base64 payloads. One walk serves every
 * wire format the gateway accepts: the formats differ in where their messages sit (`messages`, `contents`,
 * `input`, `prompt`, ...) but agree on what is not text (see docs/dlp.md, "What is scanned").
 */

/** A string found in a body, with where it sits (for the log and for tests). */
export interface FoundText {
  path: (string | number)[];
  text: string;
}

/**
 * Fields whose strings are never prose: identifiers, roles, enums, model names, media types, and the
 * fields that carry base64 or links (`data`, `bytes`, `image_url`, `file_data`, ...). A tool's `name` is
 * an identifier the caller chose, not content.
 */
const SKIPPED_FIELDS = new Set([
  "id",
  "type",
  "role",
  "model",
  "name",
  "status",
  "index",
  "call_id",
  "tool_call_id",
  "tool_use_id",
  "toolUseId",
  "file_id",
  "mime_type",
  "mimeType",
  "media_type",
  "format",
  "detail",
  "data",
  "bytes",
  "image_url",
  "input_audio",
  "audio",
  "file_data",
  "fileData",
  "inlineData",
  "inline_data",
  "url",
  "uri",
  "fileUri",
  "signature",
  "encrypted_content",
  "cache_control",
  "cachePoint",
  "finish_reason",
  "stop_reason",
  "finishReason",
  "stopReason",
  "logprobs",
  "usage",
  "usageMetadata",
  "response_format",
  "tools",
  "tool_choice",
]);

/** A string that is a data URL or a long unbroken base64 run: a payload, not text. */
const DATA_URL = /^data:[^,]{0,200},/;
const BASE64_RUN = /^[A-Za-z0-9+/=\r\n]{512,}$/;

function isPayload(text: string): boolean {
  return DATA_URL.test(text) || (text.length >= 512 && !text.includes(" ") && BASE64_RUN.test(text));
}

type Visit = (text: string, path: (string | number)[]) => string | undefined;

/**
 * Walks `value`, calling `visit` on every text string; a string `visit` returns replaces the one visited.
 * Returns the value, rebuilt only along the paths that changed (the input is never mutated).
 */
function walk(value: unknown, path: (string | number)[], visit: Visit): unknown {
  if (typeof value === "string") {
    if (isPayload(value)) return value;
    const replaced = visit(value, path);
    return replaced === undefined ? value : replaced;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const next = walk(item, [...path, index], visit);
      if (next !== item) {
        copy ??= [...value];
        copy[index] = next;
      }
    });
    return copy ?? value;
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(record)) {
      if (SKIPPED_FIELDS.has(key)) continue;
      const next = walk(item, [...path, key], visit);
      if (next !== item) {
        copy ??= { ...record };
        copy[key] = next;
      }
    }
    return copy ?? value;
  }
  return value;
}

/** Walks only the given root fields of a top-level object (any other field is a parameter, not text). */
export function walkRoots(body: unknown, roots: ReadonlySet<string>, visit: Visit): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(record)) {
    if (!roots.has(key)) continue;
    const next = walk(item, [key], visit);
    if (next !== item) {
      copy ??= { ...record };
      copy[key] = next;
    }
  }
  return copy ?? body;
}

/** Every text string under the given roots, in document order. */
export function findTexts(body: unknown, roots: ReadonlySet<string>): FoundText[] {
  const found: FoundText[] = [];
  walkRoots(body, roots, (text, path) => {
    found.push({ path, text });
    return undefined;
  });
  return found;
}
