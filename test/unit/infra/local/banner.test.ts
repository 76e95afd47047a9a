import { describe, expect, it } from "vitest";
import { startBanner } from "../../../../infra/local/banner.ts";
import { matchRoute } from "../../../../infra/local/routes.ts";

const gateway = {
  url: "http://127.0.0.1:8787",
  accountId: "local",
  adminToken: "secret-admin-token",
  adminTokenSource: "environment" as const,
  adminTokenFile: null,
};

function banner(env: NodeJS.ProcessEnv): string {
  return startBanner({ gateway, storage: ".data/", workers: 2, accessLog: "json", env });
}

describe("startBanner", () => {
  it("lists each UPSTREAM_<SLUG>_URL override, without the credentials a URL carries", () => {
    const text = banner({
      UPSTREAM_OPENAI_URL: "http://127.0.0.1:9000/v1",
      UPSTREAM_GOOGLE_AI_STUDIO_URL: "https://user:hunter2@proxy.example.com/google",
    });
    expect(text).toContain("upstreams:     google-ai-studio -> https://proxy.example.com/google");
    expect(text).toContain("               openai -> http://127.0.0.1:9000/v1");
    expect(text).not.toContain("hunter2");
  });

  it("says when no provider is overridden", () => {
    expect(banner({})).toContain("upstreams:     each provider's own URL (no UPSTREAM_<SLUG>_URL set)");
  });

  it("lists the trusted hosts", () => {
    expect(banner({ TRUSTED_UPSTREAM_HOSTS: "127.0.0.1,localhost, ::1" })).toContain(
      "trusted hosts: 127.0.0.1, localhost, ::1 (",
    );
    expect(banner({})).toContain("trusted hosts: none (");
  });

  it("says how the access log prints, and never shows a token from the environment", () => {
    const text = banner({});
    expect(text).toContain("access log:    one json line per request (--quiet: none)");
    expect(text).not.toContain("secret-admin-token");
    expect(startBanner({ gateway, storage: ".data/", workers: 1, accessLog: null, env: {} })).toContain(
      "access log:    off (--quiet)",
    );
  });

  it("shows the console's URL exactly when the front serves GET /", () => {
    expect(banner({}).includes("console:       http://127.0.0.1:8787/")).toBe(matchRoute("/") !== undefined);
  });
});
