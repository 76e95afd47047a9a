import { describe, expect, it } from "vitest";
import { canonicalBody, canonicalJson } from "../../../../shared/cache/canonical-body.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe("canonicalBody", () => {
  it("sorts JSON object keys at every depth and drops insignificant whitespace", () => {
    const left = canonicalBody(bytes('{"model":"m","messages":[{"role":"user","content":"Hi"}]}'));
    const right = canonicalBody(
      bytes('{ "messages": [ { "content": "Hi", "role": "user" } ],\n "model": "m" }'),
    );
    expect(text(left)).toBe(text(right));
  });

  it("keeps array order, which is meaningful", () => {
    expect(text(canonicalBody(bytes("[1,2]")))).not.toBe(text(canonicalBody(bytes("[2,1]"))));
  });

  it("hashes a body that is not JSON as its bytes, apart from any JSON body", () => {
    expect(text(canonicalBody(bytes("a=1&b=2")))).toBe("bytes:a=1&b=2");
    expect(text(canonicalBody(bytes('"x"')))).toBe('json:"x"');
    expect(text(canonicalBody(new Uint8Array([0xff, 0xfe])))).not.toBe(text(canonicalBody(bytes("\ufffd"))));
  });

  it("treats no body and an empty body alike", () => {
    expect(canonicalBody(null)).toEqual(canonicalBody(new Uint8Array()));
  });
});

describe("canonicalJson", () => {
  it("orders keys by code point", () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[true,null]},"b":1}',
    );
  });
});
