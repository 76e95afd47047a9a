import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import type { MiddlewareObj } from "@middy/core";
import { tracingPossible } from "../../shared/observability/gateway-telemetry.ts";

/**
 * The Powertools middlewares of a buffered (non-streaming) handler, as Powertools documents them for middy:
 * - `injectLambdaContext`: every log line of the invocation carries the function name, version, request id
 *   and cold start; keys a handler adds for one invocation are reset after it (`resetKeys`).
 * - `captureLambdaHandler`: the invocation's `## handler` subsegment with the ColdStart and Service
 *   annotations and the error as metadata, only when tracing can be on: otherwise the Tracer, and the
 *   X-Ray SDK's async hooks under it, are not even loaded (shared/observability/gateway-telemetry.ts).
 * No `logMetrics`: the api and the log-writer publish no metrics of their own; the proxy's per-request EMF
 * metrics are published as each response ends (shared/observability/request-metrics.ts).
 */
export async function powertoolsMiddlewares(
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MiddlewareObj[]> {
  const middlewares: MiddlewareObj[] = [injectLambdaContext(logger, { resetKeys: true })];
  if (tracingPossible(env)) {
    const { Tracer } = await import("@aws-lambda-powertools/tracer");
    // The response (a management envelope, a batch result) is not copied into the trace.
    middlewares.push(captureLambdaHandler(new Tracer(), { captureResponse: false }));
  }
  return middlewares;
}

/**
 * Logs an error the handler let escape, with the invocation's context (injectLambdaContext runs first), then
 * either answers with `answer(error)` or, without one, lets the error fail the invocation.
 */
export function logUnexpectedError<Result>(
  logger: Logger,
  message: string,
  answer?: (error: unknown) => Result,
): MiddlewareObj<unknown, Result> {
  return {
    onError: async (request) => {
      const error = request.error;
      logger.error(message, error instanceof Error ? error : String(error));
      if (answer) request.response = answer(error);
    },
  };
}
