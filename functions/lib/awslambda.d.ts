import type { Writable } from "node:stream";
import type { Context } from "aws-lambda";

/**
 * The globals the Lambda Node.js runtime provides for response streaming (and that infra/local provides
 * under `npm start`): `streamifyResponse` marks a handler as streaming; `HttpResponseStream.from` writes
 * the HTTP prelude (status, headers) that API Gateway reads before the body.
 */
declare global {
  type StreamingHandler<TEvent> = (
    event: TEvent,
    responseStream: Writable,
    context: Context,
  ) => Promise<void>;

  namespace awslambda {
    function streamifyResponse<TEvent>(handler: StreamingHandler<TEvent>): StreamingHandler<TEvent>;
    namespace HttpResponseStream {
      function from(
        responseStream: Writable,
        prelude: { statusCode: number; headers?: Record<string, string>; cookies?: string[] },
      ): Writable;
    }
  }
}
