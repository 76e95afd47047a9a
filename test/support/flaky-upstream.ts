import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback upstream that fails the first `x-fail-times` calls of each `x-test-key` with `x-fail-status`
 * (429 adds retry-after: `x-retry-after`), then answers like OpenAI. The mock upstream has no per-request
 * counter, so this one stands in for groq (UPSTREAM_GROQ_URL).
 */
export function startFlakyUpstream(): Promise<{ server: Server; url: string; calls: Map<string, number[]> }> {
  const calls = new Map<string, number[]>();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = String(req.headers["x-test-key"] ?? "");
      const seen = calls.get(key) ?? [];
      seen.push(Date.now());
      calls.set(key, seen);
      if (seen.length <= Number(req.headers["x-fail-times"] ?? 0)) {
        const status = Number(req.headers["x-fail-status"] ?? 503);
        const retryAfter = req.headers["x-retry-after"];
        res.writeHead(status, {
          "content-type": "application/json",
          ...(retryAfter ? { "retry-after": String(retryAfter) } : {}),
        });
        res.end(JSON.stringify({ error: { message: `failure ${seen.length}`, type: "server_error" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          model: "llama-3.1-8b-instant",
          choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls }),
    ),
  );
}
