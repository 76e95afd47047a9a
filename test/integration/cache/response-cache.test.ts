import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CacheableRequest,
  CacheRecorder,
  lookupCache,
  replayCachedResponse,
  storeCachedResponse,
} from "../../../shared/cache/response-cache.ts";
import type { BodyObservation } from "../../../shared/http/observed-body.ts";
import { defaultGateway } from "../../../shared/schemas/gateway.ts";
import { CacheStore } from "../../../shared/store/cache-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

let dynamo: RunningDynamo;
let store: CacheStore;

beforeAll(async () => {
  dynamo = await startDynamo("dynamodb-local");
  store = new CacheStore(dynamo.documentClient, await dynamo.createTable("state"));
});

afterAll(async () => {
  await dynamo?.stop();
});

const plan = { ttlSeconds: 60, customKey: null };
let counter = 0;
function request(): CacheableRequest {
  return {
    accountId: "acct",
    gateway: { ...defaultGateway("gw", new Date(0)), cache_ttl: 60 },
    providerSlug: "openai",
    method: "POST",
    restPath: "/chat/completions",
    search: "",
    body: new TextEncoder().encode(`{"n":${++counter}}`),
    upstreamHeaders: new Headers({ authorization: "Bearer sk-a" }),
    upstreamUrl: "https://api.openai.com/v1/chat/completions",
  };
}

const observation = (changes: Partial<BodyObservation> = {}): BodyObservation => ({
  firstChunkAt: 0,
  endedAt: 1,
  bytes: 10,
  captured: [],
  capturedAll: true,
  clientAborted: false,
  upstreamError: undefined,
  providerWait: 0,
  ...changes,
});

function recorded(...texts: string[]): CacheRecorder {
  const recorder = new CacheRecorder();
  for (const text of texts) recorder.push(new TextEncoder().encode(text));
  return recorder;
}

const sseHeaders = () =>
  new Headers({ "content-type": "text/event-stream", "cf-aig-log-id": "x", "set-cookie": "a=b" });

describe("the response cache stage on DynamoDB Local", () => {
  it("stores a complete 2xx response and replays it chunk by chunk with its status and headers", async () => {
    const logger = recordingLogger();
    const input = request();
    const miss = await lookupCache(store, plan, input, logger);
    expect(miss.hit).toBeNull();
    const response = { status: 200, headers: sseHeaders() };
    expect(
      await storeCachedResponse(
        miss,
        response,
        recorded("data: 1\n\n", "data: 2\n\n"),
        observation(),
        logger,
      ),
    ).toBe(true);

    const again = await lookupCache(store, plan, input, logger);
    expect(again.key).toBe(miss.key);
    expect(again.hit).not.toBeNull();
    const replay = replayCachedResponse(again.hit ?? { status: 0, headers: [], chunks: [] });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("content-type")).toBe("text/event-stream");
    expect(replay.headers.get("cf-aig-log-id")).toBeNull();
    expect(replay.headers.get("set-cookie")).toBeNull();
    const reader = (replay.body as ReadableStream<Uint8Array>).getReader();
    const chunks: string[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read())
      chunks.push(new TextDecoder().decode(read.value));
    expect(chunks).toEqual(["data: 1\n\n", "data: 2\n\n"]);
  });

  it.each([
    ["an error status", 500, {}],
    ["a 4xx", 429, {}],
    ["a stream the client abandoned", 200, { clientAborted: true }],
    ["a stream the provider cut", 200, { upstreamError: new Error("socket hang up") }],
  ] as const)("does not store %s", async (_, status, changes) => {
    const logger = recordingLogger();
    const lookup = await lookupCache(store, plan, request(), logger);
    expect(
      await storeCachedResponse(
        lookup,
        { status, headers: sseHeaders() },
        recorded("x"),
        observation(changes),
        logger,
      ),
    ).toBe(false);
    expect(await store.get(lookup.key)).toBeNull();
  });

  it("does not store a body past 25 MB", async () => {
    const logger = recordingLogger();
    const lookup = await lookupCache(store, plan, request(), logger);
    const recorder = new CacheRecorder();
    recorder.push(new Uint8Array(20 * 1024 * 1024));
    recorder.push(new Uint8Array(6 * 1024 * 1024));
    expect(recorder.overflowed).toBe(true);
    expect(
      await storeCachedResponse(
        lookup,
        { status: 200, headers: new Headers() },
        recorder,
        observation(),
        logger,
      ),
    ).toBe(false);
  });

  it("turns an unreachable store into a miss with a warning, never a failure", async () => {
    const logger = recordingLogger();
    const broken = {
      get: () => Promise.reject(new Error("connect ECONNREFUSED")),
      put: () => Promise.reject(new Error("connect ECONNREFUSED")),
    };
    const lookup = await lookupCache(broken, plan, request(), logger);
    expect(lookup.hit).toBeNull();
    expect(
      await storeCachedResponse(
        lookup,
        { status: 200, headers: new Headers() },
        recorded("x"),
        observation(),
        logger,
      ),
    ).toBe(false);
    expect(logger.lines.map((line) => line.message)).toEqual(["cache lookup failed", "cache write failed"]);
  });
});
