/**
 * A leaner mock OpenAI upstream for the benchmark (BENCH_MOCK=lean): POST /v1/chat/completions only,
 * the same fixtures, texts and SSE framing as test/mock-upstream, and the same controls (x-mock-chunks,
 * x-mock-chunk-bytes, x-mock-chunk-delay-ms, x-mock-delay-ms), without recording requests, per-request
 * abort signals or the route table of five providers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { MOCK_WIRE_USAGE, mockChunkTexts } from "../../mock-upstream/constants.ts";
import { loadFixture } from "../../mock-upstream/runtime.ts";
import { SSE_CONTENT_TYPE, sseEvent } from "../../mock-upstream/sse.ts";

interface Chunk {
  id: string;
  created: number;
  model: string;
  choices: Array<{ delta: { content?: string } }>;
}

const completion = loadFixture<Record<string, unknown> & { choices: [{ message: { content: string } }] }>(
  "openai",
  "chat-completion.json",
);
const [roleChunk, contentChunk, finishChunk] = loadFixture<[Chunk, Chunk, Chunk, Chunk]>(
  "openai",
  "chat-completion-chunks.json",
);
const HEADERS = { "x-request-id": "req_bench", "openai-processing-ms": "1", "openai-version": "2020-10-01" };

function intHeader(req: IncomingMessage, name: string, fallback: number): number {
  const value = Number.parseInt(String(req.headers[name] ?? ""), 10);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"Not found"}}');
    return;
  }
  const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as { model?: string; stream?: boolean };
  const model = body.model ?? "gpt-4o-mini";
  const texts = mockChunkTexts(intHeader(req, "x-mock-chunks", 5), intHeader(req, "x-mock-chunk-bytes", 0));
  const delayMs = intHeader(req, "x-mock-delay-ms", 0);
  const chunkDelayMs = intHeader(req, "x-mock-chunk-delay-ms", 0);
  if (delayMs > 0) await sleep(delayMs);
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) {
    const message = { ...completion.choices[0].message, content: texts.join("") };
    const answer = JSON.stringify({
      ...completion,
      id: "chatcmpl-bench",
      created,
      model,
      choices: [{ ...completion.choices[0], message }],
      usage: { ...(completion.usage as object), ...MOCK_WIRE_USAGE.openai },
    });
    res.writeHead(200, {
      ...HEADERS,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(answer)),
    });
    res.end(answer);
    return;
  }
  const frame = (template: Chunk, text?: string): string => {
    const [first] = template.choices;
    const choice = {
      ...first,
      delta: text === undefined ? first?.delta : { ...first?.delta, content: text },
    };
    return sseEvent({ ...template, id: "chatcmpl-bench", created, model, choices: [choice] });
  };
  res.writeHead(200, { ...HEADERS, "content-type": SSE_CONTENT_TYPE, "cache-control": "no-cache" });
  res.flushHeaders();
  const frames = [() => frame(roleChunk), ...texts.map((text) => () => frame(contentChunk, text))];
  frames.push(
    () => frame(finishChunk),
    () => sseEvent("[DONE]"),
  );
  for (const [index, build] of frames.entries()) {
    if (res.destroyed) return;
    if (index > 0 && chunkDelayMs > 0) await sleep(chunkDelayMs);
    if (!res.write(build())) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}

export async function startLeanMock(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
