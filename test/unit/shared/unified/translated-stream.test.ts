import { describe, expect, it } from "vitest";
import { translatorFor } from "../../../../shared/providers/registry.ts";
import { createUsageObserver } from "../../../../shared/providers/usage/index.ts";
import { callerFormat } from "../../../../shared/unified/caller-format.ts";
import { translateStream } from "../../../../shared/unified/translated-stream.ts";

const sse = (event: Record<string, unknown>) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

const start = sse({
  type: "message_start",
  message: { id: "msg_1", model: "claude", usage: { input_tokens: 7, output_tokens: 1 } },
});
const blockStart = sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
const delta = (text: string) =>
  sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
const stop = sse({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } });

function source(pieces: string[]) {
  const encoder = new TextEncoder();
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const piece = pieces[pulls++];
        if (piece === undefined) controller.close();
        else controller.enqueue(encoder.encode(piece));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls };
}

function translate(pieces: string[], request: Record<string, unknown> = {}) {
  const translator = translatorFor("anthropic");
  if (!translator) throw new Error("no translator");
  const upstream = source(pieces);
  const usage = createUsageObserver("anthropic", "text/event-stream");
  const caller = callerFormat("openai").stream(
    { model: "anthropic/claude", messages: [], ...request },
    "claude",
    "id",
  );
  const out = translateStream(
    "anthropic",
    upstream.stream,
    translator.createStreamTranslator("claude", "chatcmpl-1", 1),
    caller,
    usage,
  );
  return { reader: out.getReader(), upstream, usage };
}

const decode = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

describe("translateStream", () => {
  it("re-encodes each provider event as it arrives, without reading ahead", async () => {
    // One event split across two provider chunks: nothing comes out until it is whole.
    const half = delta("Hel").length >> 1;
    const { reader, upstream } = translate([
      start,
      blockStart,
      delta("Hel").slice(0, half),
      delta("Hel").slice(half),
      delta("lo"),
      stop,
      sse({ type: "message_stop" }),
    ]);
    const first = decode((await reader.read()).value);
    expect(first).toContain('"role":"assistant"');
    expect(upstream.pulls()).toBe(1);
    // The block start gives nothing, the half event nothing: the next chunk waits for the other half.
    const second = decode((await reader.read()).value);
    expect(second).toContain('"content":"Hel"');
    expect(upstream.pulls()).toBe(4);
    let rest = second;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decode(value);
    }
    expect(rest).toContain('"content":"Hel"');
    expect(rest).toContain('"content":"lo"');
    expect(rest).toContain('"finish_reason":"stop"');
    // The client did not ask for usage: the usage chunk is dropped, [DONE] ends the stream.
    expect(rest).not.toContain('"usage"');
    expect(rest.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("keeps the usage chunk when the client asked, and reads usage for the log either way", async () => {
    const { reader, usage } = translate([start, blockStart, delta("Hi"), stop], {
      stream_options: { include_usage: true },
    });
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decode(value);
    }
    expect(text).toContain('"choices":[],"usage"');
    expect(usage.finish()).toMatchObject({ tokensIn: 7, tokensOut: 3 });
  });

  it("turns a mid-stream provider error into an error event and ends", async () => {
    const { reader } = translate([
      start,
      blockStart,
      delta("Hi"),
      sse({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
      delta("never"),
    ]);
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decode(value);
    }
    expect(text).toContain('"error":{');
    expect(text).toContain("Overloaded");
    expect(text).not.toContain("never");
    expect(text).not.toContain("[DONE]");
  });
});

describe("translateStream when the provider's connection fails mid-stream", () => {
  it("ends with an error event in the caller's format and reports the failure", async () => {
    const translator = translatorFor("anthropic");
    if (!translator) throw new Error("no translator");
    const encoder = new TextEncoder();
    const pieces = [start, blockStart, delta("Hel")];
    let pulls = 0;
    const cut = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const piece = pieces[pulls++];
          if (piece === undefined) controller.error(new Error("terminated"));
          else controller.enqueue(encoder.encode(piece));
        },
      },
      { highWaterMark: 0 },
    );
    const failures: unknown[] = [];
    const out = translateStream(
      "anthropic",
      cut,
      translator.createStreamTranslator("claude", "chatcmpl-1", 1),
      callerFormat("anthropic").stream({ model: "anthropic/claude", messages: [] }, "claude", "id"),
      createUsageObserver("anthropic", "text/event-stream"),
      (failure) => failures.push(failure),
    );
    const text = await new Response(out).text();
    const last = text.trim().split("\n\n").at(-1) ?? "";
    expect(last.split("\n")[0]).toBe("event: error");
    expect(JSON.parse(last.split("\n")[1]?.slice(6) ?? "")).toEqual({
      type: "error",
      error: { type: "api_error", message: "The provider connection failed mid-response" },
    });
    expect(failures).toEqual([
      { status: 502, code: 7009, message: "The provider connection failed mid-response" },
    ]);
  });
});
