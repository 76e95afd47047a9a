import { randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  LOG_BODY_BUDGET_BYTES,
  packLogBodies,
  RAW_LOG_BODY_MAX_BYTES,
} from "../../../../shared/core/log-bodies.ts";
import { compressedLogBody } from "../../../../shared/logs/logged-body.ts";
import { type LoggedBody, loggedBodySchema } from "../../../../shared/schemas/log-event.ts";

function unpack(body: LoggedBody | null): Buffer {
  if (!body) throw new Error("expected a packed body");
  return "gzip_base64" in body
    ? gunzipSync(Buffer.from(body.gzip_base64, "base64"))
    : Buffer.from(body.base64, "base64");
}

function packedSize(body: LoggedBody | null): number {
  if (!body) return 0;
  return Buffer.from("gzip_base64" in body ? body.gzip_base64 : body.base64, "base64").byteLength;
}

function isPrefixOf(head: Buffer, original: Uint8Array): boolean {
  return Buffer.from(original.subarray(0, head.byteLength)).equals(head);
}

describe("packLogBodies", () => {
  it("sends chat-sized bodies as they are (base64), for the log-writer to compress", async () => {
    const request = new TextEncoder().encode('{"model":"gpt-4o-mini","messages":[{"content":"héllo"}]}');
    const response = new Uint8Array(RAW_LOG_BODY_MAX_BYTES).fill(0x62);

    const packed = await packLogBodies(request, response, true);

    expect(packed.request).toEqual({ base64: Buffer.from(request).toString("base64"), complete: true });
    expect(packed.response && "base64" in packed.response).toBe(true);
    expect(loggedBodySchema.parse(packed.request)).toEqual(packed.request);
  });

  it("compresses a body over the raw limit itself", async () => {
    const response = new Uint8Array(RAW_LOG_BODY_MAX_BYTES + 1).fill(0x62);

    const packed = await packLogBodies(null, response, true);

    expect(packed.response && "gzip_base64" in packed.response).toBe(true);
    expect(unpack(packed.response).equals(Buffer.from(response))).toBe(true);
  });

  it("stores either form as the same gzip-compressed bytes", async () => {
    const text = Buffer.from('{"id":"chatcmpl-1","choices":[]}');
    const raw = compressedLogBody({ base64: text.toString("base64"), complete: true });
    const packed = compressedLogBody({ gzip_base64: gzipSync(text).toString("base64"), complete: true });

    expect(gunzipSync(raw).equals(text)).toBe(true);
    expect(gunzipSync(packed).equals(text)).toBe(true);
  });

  it("round-trips both bodies when they fit the budget", async () => {
    const request = new TextEncoder().encode('{"model":"gpt-4o-mini","messages":[]}');
    const response = new TextEncoder().encode('{"id":"chatcmpl-1","choices":[]}');

    const packed = await packLogBodies(request, response, true);

    expect(unpack(packed.request).equals(Buffer.from(request))).toBe(true);
    expect(unpack(packed.response).equals(Buffer.from(response))).toBe(true);
    expect(packed.request?.complete).toBe(true);
    expect(packed.response?.complete).toBe(true);
  });

  it("keeps large compressible bodies complete when they compress within the budget", async () => {
    const request = new Uint8Array(200_000).fill(0x61);

    const packed = await packLogBodies(request, null, true, 10_000);

    expect(packed.request?.complete).toBe(true);
    expect(unpack(packed.request).byteLength).toBe(200_000);
  });

  it("keeps only a head of incompressible bodies over the budget and marks them incomplete", async () => {
    const request = randomBytes(50_000);
    const response = randomBytes(40_000);

    const packed = await packLogBodies(request, response, true, 20_000);

    const requestHead = unpack(packed.request);
    const responseHead = unpack(packed.response);
    expect(requestHead.byteLength).toBeGreaterThan(0);
    expect(requestHead.byteLength).toBeLessThan(request.byteLength);
    expect(isPrefixOf(requestHead, request)).toBe(true);
    expect(isPrefixOf(responseHead, response)).toBe(true);
    expect(packed.request?.complete).toBe(false);
    expect(packed.response?.complete).toBe(false);
  });

  it("keeps the packed total within the budget", async () => {
    const request = randomBytes(50_000);
    const response = randomBytes(40_000);

    const packed = await packLogBodies(request, response, true, 20_000);

    expect(packedSize(packed.request) + packedSize(packed.response)).toBeLessThanOrEqual(20_000);
  });

  it("keeps the packed total within the default budget", async () => {
    const request = randomBytes(400 * 1024);
    const response = randomBytes(400 * 1024);

    const packed = await packLogBodies(request, response, true);

    expect(packedSize(packed.request) + packedSize(packed.response)).toBeLessThanOrEqual(
      LOG_BODY_BUDGET_BYTES,
    );
    expect(packed.request?.complete).toBe(false);
  });

  it("cuts only the body that is over the limit when the other is small", async () => {
    const request = new TextEncoder().encode('{"model":"m"}');
    const response = randomBytes(50_000);

    const packed = await packLogBodies(request, response, true, 20_000);

    expect(packed.request?.complete).toBe(true);
    expect(unpack(packed.request).equals(Buffer.from(request))).toBe(true);
    expect(packed.response?.complete).toBe(false);
  });

  it("keeps a response the caller marked incomplete marked incomplete even when it fits", async () => {
    const response = new TextEncoder().encode("data: partial");

    const packed = await packLogBodies(null, response, false);

    expect(packed.response?.complete).toBe(false);
    expect(unpack(packed.response).toString()).toBe("data: partial");
  });

  it("keeps null bodies null", async () => {
    const packed = await packLogBodies(null, null, true);

    expect(packed).toEqual({ request: null, response: null });
  });

  it("packs an empty body as complete", async () => {
    const packed = await packLogBodies(new Uint8Array(0), null, true);

    expect(packed.request?.complete).toBe(true);
    expect(unpack(packed.request).byteLength).toBe(0);
  });
});
