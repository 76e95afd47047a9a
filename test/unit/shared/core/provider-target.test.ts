import { describe, expect, it } from "vitest";
import {
  type ProviderTargetDependencies,
  resolveProviderTarget,
} from "../../../../shared/core/provider-target.ts";
import { TtlCache } from "../../../../shared/core/ttl-cache.ts";
import { UpstreamGuard } from "../../../../shared/http/upstream-guard.ts";

/** A resolver table: the names below resolve to public addresses, anything else to nothing. */
const addresses: Record<string, string[]> = {
  "llm.example": ["93.184.216.34"],
  "custom.example": ["2606:2800:220:1::1"],
};

function deps(overrides: Record<string, string> = {}): ProviderTargetDependencies {
  return {
    upstreamOverrides: overrides,
    customProviders: {
      findBySlug: async (_account, slug) =>
        slug === "acme" ? { base_url: "https://custom.example/v1" } : undefined,
    },
    customProviderCache: new TtlCache(0),
    upstreamGuard: new UpstreamGuard([], { resolve: async (host) => addresses[host] ?? [] }),
  };
}

describe("resolveProviderTarget", () => {
  it("pins an UPSTREAM_<SLUG>_URL override to the addresses the SSRF guard checked", async () => {
    const target = await resolveProviderTarget(
      "acct",
      "openai",
      "v1/chat/completions",
      "",
      deps({ openai: "https://llm.example" }),
    );
    expect(target.url).toBe("https://llm.example/v1/chat/completions");
    expect(target.pin).toEqual({ hostname: "llm.example", addresses: ["93.184.216.34"] });
  });

  it("pins a custom provider to the addresses the SSRF guard checked", async () => {
    const target = await resolveProviderTarget("acct", "custom-acme", "chat/completions", "", deps());
    expect(target.pin).toEqual({ hostname: "custom.example", addresses: ["2606:2800:220:1::1"] });
  });

  it("leaves a registry host unchecked and unpinned", async () => {
    const target = await resolveProviderTarget("acct", "openai", "chat/completions", "", deps());
    expect(target.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(target.pin).toBeUndefined();
  });

  it("refuses an override at an IPv6 form that carries the metadata address", async () => {
    await expect(
      resolveProviderTarget(
        "acct",
        "openai",
        "v1/chat/completions",
        "",
        deps({ openai: "http://[64:ff9b::a9fe:a9fe]" }),
      ),
    ).rejects.toMatchObject({ status: 403, code: 7011 });
  });
});
