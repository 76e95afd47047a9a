import { describe, expect, it } from "vitest";
import type { UsageFormat } from "../../../../../shared/providers/registry.ts";
import {
  createNdjsonDecoder,
  createSseDecoder,
  MAX_JSON_BODY_BYTES,
} from "../../../../../shared/providers/usage/body-decoders.ts";
import { createUsageObserver } from "../../../../../shared/providers/usage/index.ts";
import {
  bytesOf,
  EVENTSTREAM,
  eventFrame,
  expectSameAcrossSplits,
  JSON_TYPE,
  NO_USAGE,
  observe,
  observeBody,
  SSE,
  sseEvent,
  usage,
} from "./helpers.ts";

const FORMATS: UsageFormat[] = ["openai", "anthropic", "gemini", "bedrock", "cohere", "none"];
const CONTENT_TYPES = [SSE, JSON_TYPE, EVENTSTREAM, "application/x-ndjson", "text/plain", null];

const openaiBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "gpt-4o-mini",
    ...extra,
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
const OPENAI_EXPECTED = usage({ tokensIn: 10, tokensOut: 5, model: "gpt-4o-mini" });

/** A deterministic pseudo-random byte source (xorshift), for garbage input. */
function garbage(length: number, seed: number): Uint8Array {
  let state = seed;
  const out = new Uint8Array(length);
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[index] = state & 0xff;
  }
  return out;
}

describe("createUsageObserver", () => {
  it('returns all nulls for format "none", whatever the body', () => {
    expect(observeBody("none", JSON_TYPE, openaiBody())).toEqual(NO_USAGE);
    expect(observeBody("none", SSE, sseEvent(JSON.parse(openaiBody())))).toEqual(NO_USAGE);
  });

  it.each(FORMATS.flatMap((format) => CONTENT_TYPES.map((contentType) => ({ format, contentType }))))(
    "never throws on garbage: $format, $contentType",
    ({ format, contentType }) => {
      for (const seed of [1, 7, 42]) {
        const observer = createUsageObserver(format, contentType);
        const body = garbage(4096, seed);
        expect(() => {
          for (let offset = 0; offset < body.byteLength; offset += 97)
            observer.push(body.subarray(offset, offset + 97));
          observer.push(new Uint8Array(0));
        }).not.toThrow();
        expect(observer.finish()).toEqual(NO_USAGE);
      }
    },
  );

  it.each([
    ["truncated JSON", openaiBody().slice(0, 40)],
    ["not JSON", "<html>502 Bad Gateway</html>"],
    ["empty body", ""],
    ["JSON null", "null"],
    ["a number", "42"],
    [
      "usage with strings for counts",
      JSON.stringify({ usage: { prompt_tokens: "10", completion_tokens: "5" } }),
    ],
    [
      "usage with negative and fractional counts",
      JSON.stringify({ usage: { prompt_tokens: -1, completion_tokens: 2.5 } }),
    ],
  ])("a malformed body yields nulls: %s", (_name, body) => {
    expect(observeBody("openai", JSON_TYPE, body)).toEqual(NO_USAGE);
  });

  it("skips a malformed SSE event and keeps the good ones", () => {
    const body = [
      "data: {not json\n\n",
      sseEvent({ model: "gpt-4o-mini", choices: [] }),
      "data: \n\n",
      sseEvent(JSON.parse(openaiBody({ choices: [] }))),
      "data: [DONE]\n\n",
    ];
    expectSameAcrossSplits("openai", SSE, body, OPENAI_EXPECTED);
  });

  it("reads an SSE stream that does not end with a blank line", () => {
    expectSameAcrossSplits("openai", SSE, [`data: ${openaiBody()}\n`], OPENAI_EXPECTED);
    expectSameAcrossSplits("openai", SSE, [`data: ${openaiBody()}`], OPENAI_EXPECTED);
  });

  it("selects the framing from the media type, ignoring case and parameters", () => {
    expect(
      observeBody("openai", "Text/Event-Stream; charset=UTF-8", sseEvent(JSON.parse(openaiBody()))),
    ).toEqual(OPENAI_EXPECTED);
  });

  it("reads a plain body when the content type is missing", () => {
    expectSameAcrossSplits("openai", null, [openaiBody()], OPENAI_EXPECTED);
  });

  it("reads an SSE or NDJSON body served under the wrong content type", () => {
    const events = [
      sseEvent({ model: "gpt-4o-mini", choices: [] }),
      sseEvent(JSON.parse(openaiBody())),
      "data: [DONE]\n\n",
    ];
    expectSameAcrossSplits("openai", JSON_TYPE, events, OPENAI_EXPECTED);
    expectSameAcrossSplits("openai", "text/plain", [`{"model":"x"}\n`, `${openaiBody()}\n`], OPENAI_EXPECTED);
  });

  it("keeps a plain body up to 8 MiB", () => {
    const prefix = openaiBody().slice(0, -1);
    const atCap = `${prefix},"pad":"${"x".repeat(MAX_JSON_BODY_BYTES - prefix.length - 10)}"}`;
    expect(bytesOf(atCap).byteLength).toBe(MAX_JSON_BODY_BYTES);
    expect(observe("openai", JSON_TYPE, [bytesOf(atCap)])).toEqual(OPENAI_EXPECTED);
  });

  it("past 8 MiB stops keeping the plain body and reports nulls", () => {
    const prefix = openaiBody().slice(0, -1);
    const overCap = bytesOf(`${prefix},"pad":"${"x".repeat(MAX_JSON_BODY_BYTES - prefix.length - 9)}"}`);
    expect(overCap.byteLength).toBe(MAX_JSON_BODY_BYTES + 1);
    const pieces = [overCap.subarray(0, 1000), overCap.subarray(1000)];
    expect(observe("openai", JSON_TYPE, pieces)).toEqual(NO_USAGE);
  });

  it("streams have no size cap: usage at the end of a 10 MiB SSE stream is read", () => {
    const delta = sseEvent({
      model: "gpt-4o-mini",
      choices: [{ index: 0, delta: { content: "y".repeat(1000) } }],
    });
    const observer = createUsageObserver("openai", SSE);
    const deltaBytes = bytesOf(delta);
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += deltaBytes.byteLength) observer.push(deltaBytes);
    observer.push(bytesOf(sseEvent(JSON.parse(openaiBody({ choices: [] })))));
    observer.push(bytesOf("data: [DONE]\n\n"));
    expect(observer.finish()).toEqual(OPENAI_EXPECTED);
  });

  it("drops one oversized SSE event and reads the next", () => {
    const seen: string[] = [];
    const decoder = createSseDecoder((data) => seen.push(data), 100);
    const body = bytesOf(`data: ${"z".repeat(500)}\n\ndata: {"after":1}\n\n`);
    for (let offset = 0; offset < body.byteLength; offset += 64)
      decoder.push(body.subarray(offset, offset + 64));
    decoder.end();
    expect(seen).toEqual(['{"after":1}']);
  });

  it("decodes UTF-8 cut anywhere as TextDecoder does: split characters, a leading BOM, invalid bytes", () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('data: {"text":"h\u00e9llo \u{1F600}"}\n\ndata: {"bad":"'),
      Buffer.from([0xff]),
      Buffer.from('"}\n\n'),
    ]);
    for (const size of [1, 2, 3, 5, 64]) {
      const seen: string[] = [];
      const decoder = createSseDecoder((data) => seen.push(data));
      for (let offset = 0; offset < body.byteLength; offset += size)
        decoder.push(body.subarray(offset, offset + size));
      decoder.end();
      const expected = new TextDecoder()
        .decode(body)
        .split("\n\n", 2)
        .map((event) => event.slice(6));
      expect(seen).toEqual(expected);
      expect(seen[0]).toBe('{"text":"h\u00e9llo \u{1F600}"}');
      expect(seen[1]).toBe('{"bad":"\ufffd"}');
    }
  });

  it("drops one oversized NDJSON line and reads the next", () => {
    const seen: string[] = [];
    const decoder = createNdjsonDecoder((line) => seen.push(line), 100);
    const body = bytesOf(`{"before":1}\n${"z".repeat(500)}\n{"after":1}`);
    for (let offset = 0; offset < body.byteLength; offset += 64)
      decoder.push(body.subarray(offset, offset + 64));
    decoder.end();
    expect(seen).toEqual(['{"before":1}', '{"after":1}']);
  });

  it("keeps its own copy of a plain body's chunks", () => {
    const observer = createUsageObserver("openai", JSON_TYPE);
    const body = bytesOf(openaiBody());
    const reused = new Uint8Array(16);
    for (let offset = 0; offset < body.byteLength; offset += 16) {
      const piece = body.subarray(offset, offset + 16);
      reused.set(piece);
      observer.push(reused.subarray(0, piece.byteLength));
      reused.fill(0x20);
    }
    expect(observer.finish()).toEqual(OPENAI_EXPECTED);
  });

  it("finish is idempotent and later pushes are ignored", () => {
    const observer = createUsageObserver("openai", JSON_TYPE);
    observer.push(bytesOf(openaiBody()));
    const first = observer.finish();
    observer.push(bytesOf("garbage"));
    expect(observer.finish()).toEqual(first);
    expect(first).toEqual(OPENAI_EXPECTED);
  });

  it("finish without any chunk (client left before the first byte) reports nulls", () => {
    for (const contentType of CONTENT_TYPES) {
      expect(createUsageObserver("anthropic", contentType).finish()).toEqual(NO_USAGE);
    }
  });

  it("reads usage from an event-stream body whatever the provider format", () => {
    const frames = [eventFrame("metadata", { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } })];
    expect(observe("bedrock", EVENTSTREAM, frames)).toEqual(usage({ tokensIn: 3, tokensOut: 4 }));
  });
});
