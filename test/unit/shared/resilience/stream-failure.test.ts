import { describe, expect, it } from "vitest";
import type { ErrorDialect } from "../../../../shared/http/error-response.ts";
import { type BodyObservation, observeBody } from "../../../../shared/http/observed-body.ts";
import { streamErrorEvent } from "../../../../shared/resilience/stream-failure.ts";

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

/** The provider-native path's body: observed, ending with the dialect's error event on a failure. */
function endStreamOnFailure(
  source: ReadableStream<Uint8Array>,
  contentType: string,
  dialect: ErrorDialect,
  observed: (observation: Promise<BodyObservation>) => void = () => {},
): ReadableStream<Uint8Array> {
  const { body, done } = observeBody(source, {
    captureLimit: 1024,
    monotonic: () => 0,
    failureTail: () => streamErrorEvent(contentType, dialect),
  });
  observed(done);
  return body;
}

describe("a provider failure mid-body (observeBody with the dialect's failure tail)", () => {
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

  it("just closes other content types, and the log still sees the failure", async () => {
    let observation: Promise<BodyObservation> | undefined;
    const text = await new Response(
      endStreamOnFailure(failingStream(), "application/json", "openai", (done) => {
        observation = done;
      }),
    ).text();
    expect(text).toBe('data: {"choices":[]}\n\n');
    expect(String((await observation)?.upstreamError)).toContain("socket cut");
  });

  it("passes a healthy stream through unchanged", async () => {
    const source = new Response("hello").body as ReadableStream<Uint8Array>;
    expect(await new Response(endStreamOnFailure(source, "text/event-stream", "openai")).text()).toBe(
      "hello",
    );
  });
});
