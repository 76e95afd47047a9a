/**
 * Azure OpenAI (`POST /openai/deployments/{deployment}/chat/completions?api-version=...`): the OpenAI Chat
 * Completions wire format (the OpenAI module answers, plain, streamed and `x-mock-fixture` alike), keyed by
 * the `api-key` header. As Azure does, a request without `api-version` is refused (404, "Resource not found"
 * in OpenAI's error shape) and a missing or empty `api-key` is a 401.
 * Point the gateway at it with `UPSTREAM_AZURE_OPENAI_URL` = the mock's URL (the registry keeps the
 * `/openai/deployments/{deployment}/...` path under the override).
 */
import { openai } from "./openai.ts";
import type { MockContext, ProviderModule } from "./runtime.ts";
import { sendJson } from "./runtime.ts";

const openAIChat = openai.routes.find((route) => route.pattern.test("/v1/chat/completions"));
if (openAIChat === undefined) throw new Error("the OpenAI mock serves no chat completions route");
const chatCompletions = openAIChat.handle;

async function deploymentChat(ctx: MockContext, match: RegExpExecArray): Promise<void> {
  if (!ctx.url.searchParams.get("api-version")) {
    return sendJson(ctx, 404, { error: { code: "404", message: "Resource not found" } });
  }
  return chatCompletions(ctx, match);
}

export const azureOpenAI: ProviderModule = {
  slug: "azure-openai",
  routes: [{ pattern: /^\/openai\/deployments\/[^/]+\/chat\/completions$/, handle: deploymentChat }],
  isAuthorized(ctx) {
    return Boolean(ctx.req.headers["api-key"]);
  },
  errorResponse(status, ctx) {
    return openai.errorResponse(status, ctx);
  },
};
