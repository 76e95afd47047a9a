/**
 * A mock AI upstream speaking each provider's documented wire format, for gateway tests and benchmarks.
 * One `node:http` server on 127.0.0.1 dispatches by path:
 *   POST /v1/chat/completions, /v1/embeddings           OpenAI (and OpenAI-compatible providers)
 *   POST /v1/messages                                   Anthropic
 *   POST /v1beta/models/{model}:generateContent         Google AI Studio (also :streamGenerateContent[?alt=sse])
 *   POST /model/{modelId}/converse[-stream]             AWS Bedrock
 *   POST /v2/chat                                       Cohere
 *   POST /openai/deployments/{deployment}/chat/completions   Azure OpenAI (azure-openai.ts)
 *   POST /v1/responses                                  OpenAI Responses (openai-responses.ts)
 *   POST /v1beta/models/{model}:batchEmbedContents      Google AI Studio embeddings (embeddings.ts)
 *   POST /model/amazon.titan-embed-text-.../invoke      Amazon Titan embeddings on Bedrock (embeddings.ts)
 *   POST /token                                         Google OAuth for service accounts (google-vertex.ts)
 *   POST /v1/projects/{p}/locations/{r}/publishers/google/models/{model}:generateContent   Vertex AI (same)
 *   POST /guardrail/{id}/version/{version}/apply        Bedrock Guardrails ApplyGuardrail (guardrails.ts)
 *   POST /v1/moderations                                OpenAI moderation (guardrails.ts)
 * Anything else answers 404 with an OpenAI-shaped error.
 *
 * Behaviour is chosen per request through headers (no global state, safe under concurrency):
 *   x-mock-status: N          answer N (>= 400) with the provider's error body; 429 adds `retry-after: 1`
 *   x-mock-hang: true         never answer (the socket is released when the server closes)
 *   x-mock-delay-ms: N        wait N ms before the first byte
 *   x-mock-chunk-delay-ms: N  wait N ms between consecutive stream writes (events / frames)
 *   x-mock-chunks: N          number of content deltas (default 5)
 *   x-mock-chunk-bytes: N     pad each content delta's text to N bytes
 *   x-mock-cut-after: N       destroy the socket after N content deltas (a provider failing mid-stream)
 *   x-mock-stall-after: N     send nothing more after N content deltas (0: nothing after the headers), the
 *                             connection kept open (a provider stalling mid-stream)
 *   x-mock-fixture: NAME      answer with a recorded-shape fixture (`tool-call`: parallel tool calls;
 *                             `mid-stream-error`: a stream failing after its first text)
 *   x-mock-reply: TEXT        the answer's text instead of the default, cut into x-mock-chunks deltas
 *                             (guardrail tests put `guard:S1`-style markers in it: guardrails.ts)
 * Order: record, hang, delay, route (404), JSON body (400), credential (401), x-mock-status, answer.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { anthropic } from "./anthropic.ts";
import { azureOpenAI } from "./azure-openai.ts";
import { bedrock } from "./bedrock.ts";
import { cohere } from "./cohere.ts";
import { bedrockTitanEmbeddings, geminiEmbeddings } from "./embeddings.ts";
import { gemini } from "./gemini.ts";
import { createGoogleVertexMock, type GoogleVertexMock } from "./google-vertex.ts";
import { bedrockGuardrails, openaiModeration } from "./guardrails.ts";
import { openai, unknownUrlError } from "./openai.ts";
import { openaiResponses } from "./openai-responses.ts";
import { type ErrorEntry, type MockContext, parseControls, sendJson, sleep } from "./runtime.ts";

export * from "./constants.ts";
export { type DecodedEvent, decodeEventStream } from "./event-stream.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export interface MockUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Google's token endpoint and Vertex AI, with this mock's own service account key. */
  google: GoogleVertexMock;
  close(): Promise<void>;
}

const providers = [
  openai,
  anthropic,
  gemini,
  bedrock,
  cohere,
  azureOpenAI,
  openaiResponses,
  geminiEmbeddings,
  bedrockTitanEmbeddings,
  bedrockGuardrails,
  openaiModeration,
];

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function sendError(ctx: MockContext, status: number, entry: ErrorEntry): void {
  const retryAfter: Record<string, string> = status === 429 ? { "retry-after": "1" } : {};
  sendJson(ctx, status, entry.body, { ...entry.headers, ...retryAfter });
}

export interface MockUpstreamOptions {
  port?: number;
  /** Serve HTTPS with this certificate (its URL names `localhost`): for upstreams that must be HTTPS. */
  tls?: { cert: string; key: string };
}

export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const requests: RecordedRequest[] = [];
  const google = createGoogleVertexMock();
  const served = [...providers, ...google.modules];
  const lifetime = new AbortController();
  let counter = 0;
  const nextId = (prefix: string): string => `${prefix}${String(++counter).padStart(6, "0")}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const method = req.method ?? "GET";
    // Prefixed with the origin: a target such as "//%A" is a path here, not a URL of another host.
    const url = new URL(`http://mock.invalid${req.url ?? "/"}`);
    const text = await readBody(req);
    requests.push({
      method,
      path: url.pathname,
      query: url.search.slice(1),
      headers: flattenHeaders(req.headers),
      body: text,
      receivedAt,
    });

    const controls = parseControls(req.headers);
    if (controls.hang) return;

    const clientGone = new AbortController();
    res.on("close", () => clientGone.abort());
    const signal = AbortSignal.any([lifetime.signal, clientGone.signal]);
    const ctx: MockContext = {
      req,
      res,
      url,
      body: {},
      rawBody: text,
      controls,
      signal,
      requestId: nextId("req_mock"),
      nextId,
    };
    if (!(await sleep(controls.delayMs, signal))) return;

    for (const provider of served) {
      for (const route of provider.routes) {
        const match = method === "POST" ? route.pattern.exec(url.pathname) : null;
        if (!match) continue;
        const body = provider.formBody ? {} : parseBody(text);
        if (!body) return sendError(ctx, 400, provider.errorResponse(400, ctx));
        ctx.body = body;
        if (!provider.isAuthorized(ctx)) return sendError(ctx, 401, provider.errorResponse(401, ctx));
        if (controls.status !== undefined) {
          return sendError(ctx, controls.status, provider.errorResponse(controls.status, ctx));
        }
        return route.handle(ctx, match);
      }
    }
    sendError(ctx, 404, unknownUrlError(method, url.pathname));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) res.destroy();
      else {
        const message = error instanceof Error ? error.message : String(error);
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message, type: "server_error", param: null, code: null } }));
      }
    });
  };
  const server = options.tls
    ? createTlsServer({ ...options.tls, noDelay: true }, onRequest)
    : createServer({ noDelay: true }, onRequest);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      lifetime.abort();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };

  const url = options.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  return { url, port, requests, google, close };
}
