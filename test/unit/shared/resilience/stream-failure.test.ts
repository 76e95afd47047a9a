import { describe, expect, it } from "vitest";
import { endStreamOnFailure } from "../../../../shared/resilience/stream-failure.ts";

const encoder = new TextEncoder();

function failingStream(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new Error("socket cut"));
      sent = true;
      controller.enqueue(encoder.encode('data: {"choices":[]}\n\n'));
    },
  });
}

describe("endStreamOnFailure", () => {
  it("ends an OpenAI-family SSE stream with a data: error event", async () => {
    const text = await new Response(
      endStreamOnFailure(failingStream(), "text/event-stream", "openai"),
    ).text();
    expect(text.startsWith('data: {"choices":[]}')).toBe(true);
    const last = text.trim().split("\n\n").at(-1) ?? "";
    expect(last.startsWith("data: ")).toBe(true);
    expect(JSON.parse(last.slice(6)).error.message).toContain("mid-response");
  });

  it("ends an Anthropic SSE stream with event: error", async () => {
    const text = await new Response(
      endStreamOnFailure(failingStream(), "text/event-stream; charset=utf-8", "anthropic"),
    ).text();
    const last = text.trim().split("\n\n").at(-1) ?? "";
    expect(last.split("\n")[0]).toBe("event: error");
    expect(JSON.parse(last.split("\n")[1]?.slice(6) ?? "")).toMatchObject({
      type: "error",
      error: { type: "api_error" },
    });
  });

  it("just closes other content types", async () => {
    const text = await new Response(endStreamOnFailure(failingStream(), "application/json", "openai")).text();
    expect(text).toBe('data: {"choices":[]}\n\n');
  });

  it("passes a healthy stream through unchanged", async () => {
    const source = new Response("hello").body as ReadableStream<Uint8Array>;
    expect(await new Response(endStreamOnFailure(source, "text/event-stream", "openai")).text()).toBe(
      "hello",
    );
  });
});
