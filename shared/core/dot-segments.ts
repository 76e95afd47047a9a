import { GatewayError } from "./gateway-error.ts";

/**
 * Segments a URL parser resolves: `.` and `..`, with either dot written as `%2e` in any case (WHATWG URL,
 * "single-dot / double-dot URL path segment"). Special URLs split on `\` as on `/`.
 */
const SEGMENT_SEPARATOR = /[/\\]/;
const ENCODED_DOT = /%2e/gi;

/** The first dot segment of `path` (as written), or undefined. */
export function findDotSegment(path: string): string | undefined {
  return path.split(SEGMENT_SEPARATOR).find((segment) => {
    const dots = segment.replace(ENCODED_DOT, ".");
    return dots === "." || dots === "..";
  });
}

/**
 * Ids are never `.` or `..`: a path holding one is refused whole, in the handler itself, whatever the front
 * (API Gateway, the local front) did with it. Resolving it instead would act on another resource than the
 * one named, and a client that sends one has a bug worth hearing about.
 */
export function refuseDotSegments(path: string): void {
  const segment = findDotSegment(path);
  if (segment === undefined) return;
  throw GatewayError.badRequest(
    `Invalid path: ${JSON.stringify(segment.slice(0, 16))} is a dot segment ("." or ".."), which names no resource here; send the path without it`,
  );
}
