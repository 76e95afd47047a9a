import type { ResponsesRequest } from "../../surfaces/responses/request.ts";
import { chatCompletionToResponse, type ResponsesIds } from "../../surfaces/responses/response.ts";
import { createResponsesEventStream, type ResponsesEvent } from "../../surfaces/responses/stream.ts";
import type { CallerFormat } from "../caller-format.ts";

const encode = (events: ResponsesEvent[]) =>
  events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");

/** OpenAI's error `code` for a status, as its Responses `error` event and `response.error` carry it. */
function errorCode(status: number): string {
  if (status === 429) return "rate_limit_exceeded";
  if (status >= 500) return "server_error";
  return "invalid_request";
}

/**
 * The Responses API as a caller format over the canonical chat request: completions become response
 * objects, chunks become the Responses event sequence (`event: <type>` + `data: {...}`, no `[DONE]`),
 * errors keep OpenAI's `{error:{...}}` shape. One per request: it echoes the caller's settings.
 */
export function responsesCallerFormat(request: ResponsesRequest, ids: ResponsesIds): CallerFormat {
  return {
    dialect: "openai",
    toCanonical: () => {
      throw new Error("the Responses bridge builds its canonical request itself");
    },
    completion: (completion) => chatCompletionToResponse(completion, request, ids),
    stream(_canonical, model) {
      const stream = createResponsesEventStream(request, ids, model);
      return {
        push: (chunk) => encode(stream.push(chunk)),
        finish: () => encode(stream.finish()),
        error: (status, _type, message) => encode(stream.error(errorCode(status), message)),
      };
    },
    providerError: (_status, type, message, code = null) => ({ error: { message, type, param: null, code } }),
  };
}
