import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GatedUpstream {
  server: Server;
  url: string;
  /** Calls received per `x-gate` key. */
  calls: Map<string, number>;
  /** Lets the stream held under `key` go on to its end. */
  release(key: string): void;
  /**
   * Resolves once the connection of the response held under `key` has closed before its end: the
   * gateway cancelled the provider call (the client left).
   */
  cancelled(key: string): Promise<void>;
  close(): Promise<void>;
}

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-gated",
    object: "chat.completion.chunk",
    created: 1,
    model: "llama-3.1-8b-instant",
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  })}\n\n`;

/** The whole answer's text, in the order the stream sends it (before any `x-pad-bytes` padding). */
export const GATED_TEXT = "first second";

/**
 * `x-pad-bytes: N` adds N bytes of random text to the answer (to the last chunk of a stream): an answer
 * that does not compress is a cache entry of several parts, whose write takes the store a while.
 */
const padding = (headers: Record<string, unknown>) => {
  const bytes = Number(headers["x-pad-bytes"] ?? 0);
  return bytes > 0
    ? ` ${randomBytes(Math.ceil((bytes * 3) / 4))
        .toString("base64")
        .slice(0, bytes)}`
    : "";
};

/**
 * A loopback OpenAI-compatible upstream (answering any POST path) whose streamed answer sends its first
 * event and then waits until the test calls `release(key)` for the request's `x-gate` header: the test
 * can check what reached the client while the provider has not yet sent its last chunk, with no timing.
 * A request without `stream: true` is answered at once with a chat completion, or, with
 * `x-hold-plain: true`, gets its response head at once and its body only on `release(key)`.
 */
export function startGatedUpstream(): Promise<GatedUpstream> {
  const calls = new Map<string, number>();
  /** The responses waiting for `release`, each with what sends the rest of it. */
  const held = new Map<string, { res: ServerResponse; finish: () => void }>();
  const released = new Set<string>();
  const cancellations = new Map<string, { done: Promise<void>; resolve: () => void }>();
  const cancellation = (key: string) => {
    let entry = cancellations.get(key);
    if (!entry) {
      let resolve = () => {};
      const done = new Promise<void>((settle) => {
        resolve = settle;
      });
      entry = { done, resolve };
      cancellations.set(key, entry);
    }
    return entry;
  };
  const completion = (pad: string) =>
    JSON.stringify({
      id: "chatcmpl-gated",
      object: "chat.completion",
      created: 1,
      model: "llama-3.1-8b-instant",
      choices: [
        { index: 0, message: { role: "assistant", content: `${GATED_TEXT}${pad}` }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  const hold = (key: string, res: ServerResponse, finish: () => void) => {
    res.once("close", () => {
      if (!res.writableEnded) cancellation(key).resolve();
    });
    if (released.has(key)) finish();
    else held.set(key, { res, finish });
  };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const key = String(req.headers["x-gate"] ?? "");
      calls.set(key, (calls.get(key) ?? 0) + 1);
      const body = JSON.parse(Buffer.concat(parts).toString("utf8") || "{}") as { stream?: boolean };
      const pad = padding(req.headers);
      if (body.stream !== true) {
        res.writeHead(200, { "content-type": "application/json" });
        if (req.headers["x-hold-plain"] !== "true") {
          res.end(completion(pad));
          return;
        }
        res.flushHeaders();
        hold(key, res, () => res.end(completion(pad)));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(chunk("first"));
      hold(key, res, () => {
        res.write(chunk(` second${pad}`, "stop"));
        res.end("data: [DONE]\n\n");
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls,
        release(key) {
          released.add(key);
          const waiting = held.get(key);
          held.delete(key);
          waiting?.finish();
        },
        cancelled: (key) => cancellation(key).done,
        close: () =>
          new Promise((done) => {
            for (const stream of held.values()) stream.res.destroy();
            server.closeAllConnections();
            server.close(() => done(undefined));
          }),
      }),
    ),
  );
}

export interface GatedRead {
  status: number;
  headers: Record<string, unknown>;
  /** What the client had received when the provider was still holding its last chunk. */
  beforeRelease: string;
  /** The whole body. */
  text: string;
}

/**
 * POSTs a streamed request that goes to the gated upstream under `key`: once the first body bytes reach
 * the client, the upstream is released to send the rest. Resolves when the response has ended.
 */
export function readGatedStream(
  gated: GatedUpstream,
  url: string,
  key: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<GatedRead> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(url),
      { method: "POST", headers: { "content-type": "application/json", "x-gate": key, ...headers } },
      (res) => {
        let text = "";
        let beforeRelease: string | null = null;
        res.on("data", (part: Buffer) => {
          text += part.toString("utf8");
          if (beforeRelease === null) {
            beforeRelease = text;
            gated.release(key);
          }
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            beforeRelease: beforeRelease ?? "",
            text,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}
