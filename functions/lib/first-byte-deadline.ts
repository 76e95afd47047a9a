import type { APIGatewayProxyEvent } from "aws-lambda";

/**
 * The time left for the provider's first byte (retries and fallbacks included): the Lambda's remaining
 * time, and, when `deadlineMs` is set, what is left of it since API Gateway received the request.
 *
 * Why: on a streamed integration API Gateway closes a stream that has been idle for 5 minutes (REGIONAL
 * endpoints; https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html),
 * and nothing reaches it before the provider's first byte. The stack sets `deadlineMs`
 * (FIRST_BYTE_DEADLINE_MS) below that, so the gateway gives up first, answers its own 504 in the route's
 * dialect and logs it, instead of the client getting API Gateway's cut and the log a 15-minute wait.
 * Counted from the event's `requestTimeEpoch` (when API Gateway received the request: a cold start's
 * init is inside the window too); from the invocation's start when the event has none.
 */
export function firstByteTimeLeft(
  event: APIGatewayProxyEvent,
  lambdaRemainingMs: () => number,
  deadlineMs: number | undefined,
  now: () => number = Date.now,
): () => number {
  if (deadlineMs === undefined) return lambdaRemainingMs;
  const receivedAt = event.requestContext?.requestTimeEpoch ?? now();
  return () => Math.min(lambdaRemainingMs(), receivedAt + deadlineMs - now());
}
