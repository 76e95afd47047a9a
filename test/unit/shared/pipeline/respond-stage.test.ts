import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../../../shared/core/build-log-event.ts";
import type { ProxyDependencies } from "../../../../shared/core/proxy-dependencies.ts";
import type { PipelineChecks } from "../../../../shared/pipeline/checks-stage.ts";
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

  it("sends the body through the checks slot's response transforms", async () => {
    const { answer, run } = responding({
      requests: [],
      responses: [
        {
          name: "shout",
          transform: (body) =>
            body.pipeThrough(
              new TransformStream<Uint8Array, Uint8Array>({
                transform: (chunk, controller) =>
                  controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())),
              }),
            ),
        },
      ],
    });
    expect(await (await run(answer())).text()).toBe("HELLO");
  });
});
