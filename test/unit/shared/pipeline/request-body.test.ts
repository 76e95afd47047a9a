import { describe, expect, it } from "vitest";
import {
  readBoundedBody,
  readJsonBody,
  readPassthroughBody,
} from "../../../../shared/pipeline/request-body.ts";

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://gateway.test/x", { method: "POST", body, headers });

describe("readBoundedBody", () => {
  it("refuses a declared length over the limit with a 413, before reading", async () => {
    const request = post("{}", { "content-length": "2048" });
    await expect(readBoundedBody(request, 1024)).rejects.toMatchObject({ status: 413 });
    expect(request.bodyUsed).toBe(false);
  });

  it("refuses a body over the limit whatever its declared length", async () => {
    await expect(readBoundedBody(post("x".repeat(11)), 10)).rejects.toMatchObject({
      status: 413,
      message: "Request body too large: the limit is 10 bytes",
    });
  });

  it("answers the bytes of a body within the limit", async () => {
    expect(new TextDecoder().decode(await readBoundedBody(post("abc"), 10))).toBe("abc");
  });
});

describe("readPassthroughBody (provider-native)", () => {
  it("has no body for GET, HEAD or an empty POST", async () => {
    expect(await readPassthroughBody(new Request("http://gateway.test/x"), 10)).toBeNull();
    expect(
      await readPassthroughBody(new Request("http://gateway.test/x", { method: "HEAD" }), 10),
    ).toBeNull();
    expect(await readPassthroughBody(post(""), 10)).toBeNull();
  });
});

describe("readJsonBody (unified)", () => {
  it("answers the bytes and their JSON", async () => {
    const { bytes, json } = await readJsonBody(post('{"model":"openai/gpt-4o"}'), 100);
    expect(json).toEqual({ model: "openai/gpt-4o" });
    expect(bytes.byteLength).toBe(25);
  });

  it("refuses a body that is not JSON (an empty one too) with a 400", async () => {
    await expect(readJsonBody(post("{"), 100)).rejects.toMatchObject({ status: 400 });
    await expect(readJsonBody(post(""), 100)).rejects.toMatchObject({ status: 400 });
  });
});
