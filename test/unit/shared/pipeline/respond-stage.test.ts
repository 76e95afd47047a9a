import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../../../shared/core/build-log-event.ts";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import type { ProxyDependencies } from "../../../../shared/core/proxy-dependencies.ts";
import { NodeBodyResponse, takeNodeBody } from "../../../../shared/http/node-body-response.ts";
import type { PipelineChecks, ResponseTransform } from "../../../../shared/pipeline/checks-stage.ts";
import { newRequestState } from "../../../../shared/pipeline/request-state.ts";
import { respond, type SurfaceAnswer } from "../../../../shared/pipeline/respond-stage.ts";
import type { LogEvent } from "../../../../shared/schemas/log-event.ts";
import { recordingLogger } from "../../../support/recording-logger.ts";

const record: RequestRecord = {
  id: "0190a5c4-0000-7000-8000-000000000001",
  eventId: "0190a5c4-0000-7000-8000-000000000001",
  accountId: "acct",
  gatewayId: "default",
  createdAt: new Date("2026-12-06T05:00:00Z"),
  startedAt: 0,
  method: "POST",
  path: "/v1/acct/default/openai/chat/completions",
  providerSlug: "openai",
  restPath: "chat/completions",
  requestHeaders: new Headers(),
  requestBody: new TextEncoder().encode('{"model":"gpt-4o-mini"}'),
  options: {
    eventId: null,
    metadata: null,
    collectLog: null,
    collectLogPayload: false,
    requestTimeoutMs: null,
  },
};

const noUsage = {
  tokensIn: null,
  tokensOut: null,
  cacheReadTokens: null,
  cacheWriteTokens: null,
  model: null,
};

/** Responds with the answer given and collects the rows the observer is handed once the work is done. */
function responding(checks?: PipelineChecks) {
  const events: LogEvent[] = [];
  const pending: Promise<unknown>[] = [];
  const deps = {
    logger: recordingLogger(),
    clock: { now: () => 0, monotonic: () => 5 },
    observer: { upstreamStarted: () => null, requestCompleted: (event: LogEvent) => void events.push(event) },
    checks,
  } as unknown as ProxyDependencies;
  const state = newRequestState();
  const answer = (changes: Partial<SurfaceAnswer> = {}): SurfaceAnswer => ({
    response: new Response("hello", { status: 200 }),
    headers: new Headers({ "content-type": "text/plain" }),
    contentType: "text/plain",
    upstreamHeadersAt: 3,
    usage: { finish: () => noUsage },
    abort: () => {},
    ...changes,
  });
  const run = (given: SurfaceAnswer, namesModel = false) =>
    respond(
      {
        deps,
        execution: { waitUntil: (work) => void pending.push(work) },
        state,
        record,
        collect: false,
        namesModel,
        cache: null,
        dialect: "openai",
        checkedCacheHit: false,
      },
      given,
    );
  const rows = Object.assign(
    async () => {
      await Promise.all(pending);
      return events;
    },
    /** The rows logged so far, without waiting for the body to be read. */
    { soFar: async () => [...events] },
  );
  return { answer, run, rows, state };
}

/** Upper-cases the body, chunk by chunk: a stand-in for a redaction. */
const shout: ResponseTransform = {
  name: "shout",
  stream: () => ({
    transform: (chunk, controller) =>
      controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())),
  }),
};

describe("respond (the respond stage)", () => {
  it("passes the body on with the client's headers and logs one row once it has been read", async () => {
    const { answer, run, rows } = responding();
    const response = await run(
      answer({ headers: new Headers({ "content-type": "text/plain", "cf-aig-log-id": "x" }) }),
    );
    expect(response.headers.get("cf-aig-log-id")).toBe("x");
    expect(response.headers.get("cf-aig-cache-status")).toBeNull();
    const unread = await rows.soFar();
    expect(unread).toEqual([]);
    expect(await response.text()).toBe("hello");
    const [row] = await rows();
    expect(row).toMatchObject({ status_code: 200, success: true, model: "gpt-4o-mini" });
  });

  it("feeds each chunk to the surface's observer (usage, cache) as it passes", async () => {
    const { answer, run } = responding();
    const seen: string[] = [];
    const response = await run(
      answer({ observe: { onChunk: (chunk) => void seen.push(new TextDecoder().decode(chunk)) } }),
    );
    await response.text();
    expect(seen.join("")).toBe("hello");
  });

  it("answers a status without a body without one, and still logs its row", async () => {
    const { answer, run, rows } = responding();
    const response = await run(answer({ response: new Response(null, { status: 204 }) }));
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(await rows()).toHaveLength(1);
  });

  it("logs the failure a translation met rather than the body's (the caller got an error event)", async () => {
    const { answer, run, rows } = responding();
    const response = await run(
      answer({ translationError: () => ({ code: 7009, message: "provider stream broke" }) }),
    );
    await response.text();
    const [row] = await rows();
    expect(row?.success).toBe(false);
  });

  it("shows the model the caller named on a surface whose rows name it", async () => {
    const { answer, run, rows, state } = responding();
    state.model = "gpt-4o";
    await (await run(answer(), true)).text();
    const [row] = await rows();
    expect(row?.model).toBe("gpt-4o");
  });

  it("sends the body through the checks slot's stream checks", async () => {
    const { answer, run } = responding({ requests: [], responses: [shout] });
    expect(await (await run(answer())).text()).toBe("HELLO");
  });

  it("runs the stream checks over a provider's Node body as a Node stream: no web stream is made", async () => {
    const { answer, run } = responding({ requests: [], responses: [shout] });
    const seen: string[] = [];
    const response = await run(
      answer({
        response: new NodeBodyResponse(
          Readable.from([Buffer.from("data: one\n\n"), Buffer.from("data: two\n\n")]),
          {
            status: 200,
            headers: new Headers(),
          },
        ),
        contentType: "text/event-stream",
        observe: { onChunk: (chunk) => void seen.push(new TextDecoder().decode(chunk)) },
      }),
    );
    const source = takeNodeBody(response);
    expect(source).toBeInstanceOf(Readable);
    const received: string[] = [];
    for await (const chunk of source as Readable) received.push(Buffer.from(chunk as Uint8Array).toString());
    expect(received.join("")).toBe("DATA: ONE\n\nDATA: TWO\n\n");
    // The log, the usage and the cache see what the client got.
    expect(seen.join("")).toBe("DATA: ONE\n\nDATA: TWO\n\n");
  });

  it("ends a Node stream a check refuses with an error event in the caller's format, and logs it failed", async () => {
    const refusing: ResponseTransform = {
      name: "refuse-two",
      stream: () => ({
        transform(chunk, controller) {
          if (new TextDecoder().decode(chunk).includes("two"))
            controller.error(new GatewayError({ status: 400, code: 2030, message: "refused" }));
          else controller.enqueue(chunk);
        },
      }),
    };
    const { answer, run, rows } = responding({ requests: [], responses: [refusing] });
    const response = await run(
      answer({
        response: new NodeBodyResponse(
          Readable.from([Buffer.from("data: one\n\n"), Buffer.from("data: two\n\n")]),
          {
            status: 200,
            headers: new Headers(),
          },
        ),
        headers: new Headers({ "content-type": "text/event-stream" }),
        contentType: "text/event-stream",
      }),
    );
    const text = await response.text();
    expect(text).not.toContain("two");
    expect(text.startsWith("data: one\n\n")).toBe(true);
    expect(JSON.parse(text.trim().split("\n\n").at(-1)?.slice(6) ?? "")).toMatchObject({
      error: { code: 2030 },
    });
    const [row] = await rows();
    expect(row?.success).toBe(false);
  });
});
