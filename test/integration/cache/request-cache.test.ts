import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyedRequest, RequestCache } from "../../../shared/cache/request-cache.ts";
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

const gateway = { ...defaultGateway("gw", new Date(0)), cache_ttl: 60 };
const plan = { ttlSeconds: 60, customKey: null };
const openCache = () => new RequestCache(store, plan, "acct", gateway, recordingLogger());
let counter = 0;
function keyed(): KeyedRequest {
  return {
    providerSlug: "openai",
    method: "POST",
    restPath: "chat/completions",
    search: "",
    body: new TextEncoder().encode(`{"request-cache":${++counter}}`),
    upstreamHeaders: new Headers({ authorization: "Bearer sk-a" }),
    upstreamUrl: "https://api.openai.com/v1/chat/completions",
  };
}

const whole: BodyObservation = {
  firstChunkAt: 0,
  endedAt: 1,
  bytes: 2,
  captured: [],
  capturedAll: true,
  clientAborted: false,
  upstreamError: undefined,
  providerWait: 0,
};

const text = (chunk: string) => new TextEncoder().encode(chunk);
const sse = () => new Headers({ "content-type": "text/event-stream" });

describe("RequestCache (one request's cache, both surfaces) on DynamoDB Local", () => {
  it("has no status before the lookup, then MISS, then HIT for the same request once a miss is stored", async () => {
    const request = keyed();
    const miss = openCache();
    expect(miss.status).toBeNull();
    expect(await miss.find(request)).toBeNull();
    expect(miss.status).toBe("MISS");
    // The provider-native surface pushes the chunks it passes to the client.
    const recorder = miss.recordChunks({ status: 200, headers: sse() });
    recorder.push(text("data: 1\n\n"));
    recorder.push(text("data: 2\n\n"));
    expect(await miss.storeIfWhole(whole)).toBe(true);

    const again = openCache();
    const hit = await again.find(request);
    expect(again.status).toBe("HIT");
    expect(again.hit).toBe(true);
    const replayed = hit ? await again.replay(hit).response.text() : null;
    expect(replayed).toBe("data: 1\n\ndata: 2\n\n");
    // A hit is never stored again.
    expect(await again.storeIfWhole(whole)).toBe(false);
  });

  it("stores a wrapped body (the unified surface's) only once the translation has read it to its end", async () => {
    const request = keyed();
    const cut = openCache();
    await cut.find(request);
    const call = cut.record({
      response: new Response("whole answer", { status: 200, headers: sse() }),
      abort: () => {},
    });
    // The translation stopped before the provider's end: not a whole answer.
    await call.response.body?.cancel();
    expect(await cut.storeIfWhole(whole)).toBe(false);

    const read = openCache();
    await read.find(request);
    const wrapped = read.record({
      response: new Response("whole answer", { status: 200, headers: sse() }),
      abort: () => {},
    });
    expect(await wrapped.response.text()).toBe("whole answer");
    expect(await read.storeIfWhole(whole)).toBe(true);
    expect(await openCache().find(request)).not.toBeNull();
  });

  it("does not store a miss the client did not receive whole", async () => {
    const cache = openCache();
    await cache.find(keyed());
    cache.recordChunks({ status: 200, headers: sse() }).push(text("data: 1\n\n"));
    expect(await cache.storeIfWhole({ ...whole, clientAborted: true })).toBe(false);
  });
});
