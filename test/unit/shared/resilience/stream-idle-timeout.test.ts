import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import {
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  resolveStreamIdleTimeout,
  StreamIdleWatch,
  watchStreamIdle,
} from "../../../../shared/resilience/stream-idle-timeout.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("resolveStreamIdleTimeout", () => {
  it("takes the header over the gateway setting over the default", () => {
    const header = new Headers({ "cf-aig-stream-idle-timeout": "250" });
    expect(resolveStreamIdleTimeout(header, { stream_idle_timeout_ms: 5000 })).toBe(250);
    expect(resolveStreamIdleTimeout(new Headers(), { stream_idle_timeout_ms: 5000 })).toBe(5000);
    expect(resolveStreamIdleTimeout(new Headers(), {})).toBe(DEFAULT_STREAM_IDLE_TIMEOUT_MS);
  });

  it.each(["0", "-1", "1.5", "soon", "900001"])("refuses the header %s with a 400 naming it", (value) => {
    const headers = new Headers({ "cf-aig-stream-idle-timeout": value });
    expect(() => resolveStreamIdleTimeout(headers, {})).toThrow(/cf-aig-stream-idle-timeout/);
  });
});

describe("StreamIdleWatch", () => {
  it("trips with a 504 timeout (code 7010) when the provider is waited on for longer than the timeout", async () => {
    const tripped: GatewayError[] = [];
    const watch = new StreamIdleWatch(20, (error) => tripped.push(error));
    watch.waiting();
    await wait(60);
    expect(tripped).toHaveLength(1);
    expect(tripped[0]).toMatchObject({ status: 504, code: 7010 });
    expect(tripped[0]?.message).toContain("sent nothing for 20 ms");
  });

  it("does not trip while nothing is asked of the provider (a slow client), nor once stopped", async () => {
    const tripped: GatewayError[] = [];
    const paused = new StreamIdleWatch(20, (error) => tripped.push(error));
    paused.waiting();
    paused.received();
    const stopped = new StreamIdleWatch(20, (error) => tripped.push(error));
    stopped.waiting();
    stopped.stop();
    await wait(60);
    expect(tripped).toEqual([]);
    paused.stop();
  });
});

describe("watchStreamIdle", () => {
  it("cancels the provider call with the timeout error when its body goes quiet, so the body fails with it", async () => {
    let fail: (error: unknown) => void = () => {};
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: one\n\n"));
        fail = (error) => controller.error(error);
      },
    });
    const call = watchStreamIdle({ response: new Response(source), abort: (reason) => fail(reason) }, 30);
    const reader = call.response.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    const failure = await reader?.read().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 504, code: 7010 });
  });
});
