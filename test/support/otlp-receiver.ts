import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer } from "./close-server.ts";

/** One export request as the receiver got it. */
export interface ReceivedExport {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  body: Buffer;
}

export interface OtlpReceiver {
  /** The traces endpoint, `http://127.0.0.1:{port}/v1/traces`. */
  tracesUrl: string;
  received: ReceivedExport[];
  /** Waits until `count` requests have arrived (up to `timeoutMs`), then answers them. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedExport[]>;
  close(): Promise<void>;
}

/**
 * A small OTLP/HTTP traces receiver on loopback, as a collector's `otlphttp` receiver answers
 * (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response): POST /v1/traces, 200 with an empty
 * ExportTraceServiceResponse in the request's encoding. It keeps each request whole for the test to decode.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedExport[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const contentType = String(request.headers["content-type"] ?? "");
      received.push({
        path: request.url ?? "",
        headers: request.headers,
        contentType,
        body: Buffer.concat(chunks),
      });
      if (request.method !== "POST" || request.url !== "/v1/traces") {
        response.writeHead(404).end();
        return;
      }
      if (contentType.startsWith("application/x-protobuf")) {
        response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      } else {
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tracesUrl: `http://127.0.0.1:${port}/v1/traces`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`${received.length} of ${count} OTLP exports within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return received.slice(0, count);
    },
    close: () => closeServer(server),
  };
}
