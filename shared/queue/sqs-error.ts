import type { IncomingHttpHeaders } from "node:http";

/**
 * An error SQS answered with. `code` is the error shape's name (`QueueDoesNotExist`), `queryErrorCode` the
 * older query-protocol code SQS also sends in the `x-amzn-query-error` header
 * (`AWS.SimpleQueueService.NonExistentQueue`), which the SDK exposes as `Code`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html
 */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly senderFault: boolean,
    readonly queryErrorCode: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

/**
 * Reads an SQS JSON-protocol error response: `{"__type": "com.amazonaws.sqs#QueueDoesNotExist",
 * "message": "..."}` with `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender`. The type
 * may come namespaced (`ns#Name`) or with a suffix after a colon, as the SDK's JSON protocol allows; a body
 * that is not JSON (a proxy's HTML page, an empty 503) still gives an error named after the status.
 */
export function parseSqsError(statusCode: number, headers: IncomingHttpHeaders, body: string): SqsError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = body ? JSON.parse(body) : {};
    if (typeof value === "object" && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON: the status and the headers are all there is.
  }
  const [queryCode, queryFault] = headerValue(headers["x-amzn-query-error"])?.split(";") ?? [];
  const type =
    stringOr(parsed.__type) ?? stringOr(parsed.code) ?? headerValue(headers["x-amzn-errortype"]) ?? undefined;
  const code = type ? shapeName(type) : (queryCode ?? `Http${statusCode}Error`);
  const message =
    stringOr(parsed.message) ?? stringOr(parsed.Message) ?? (body && !type ? body.slice(0, 200) : "");
  const senderFault = queryFault !== undefined ? queryFault === "Sender" : statusCode < 500;
  return new SqsError(
    code,
    message || `HTTP ${statusCode}`,
    statusCode,
    senderFault,
    queryCode || undefined,
    headerValue(headers["x-amzn-requestid"]),
  );
}

/** `com.amazonaws.sqs#QueueDoesNotExist` -> `QueueDoesNotExist`; `Name:http://...` -> `Name`. */
function shapeName(type: string): string {
  const beforeColon = type.split(":")[0] ?? type;
  return beforeColon.slice(beforeColon.lastIndexOf("#") + 1);
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
