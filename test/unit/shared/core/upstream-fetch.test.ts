import { describe, expect, it } from "vitest";
import { fetchUpstream } from "../../../../shared/core/upstream-fetch.ts";
import type { UpstreamRequestInit } from "../../../../shared/http/http-fetch.ts";

describe("fetchUpstream", () => {
  it("hands the SSRF guard's pin to the fetch, so the call connects to the checked addresses", async () => {
    const seen: UpstreamRequestInit[] = [];
    const pin = { hostname: "llm.example", addresses: ["93.184.216.34"] };
    await fetchUpstream(
      async (_url, init) => {
        seen.push(init);
        return new Response("ok");
      },
      "https://llm.example/v1/chat/completions",
      { method: "POST", headers: new Headers(), body: null, timeoutMs: 1_000, pin },
    );
    expect(seen[0]?.pin).toBe(pin);
  });
});
