import { describe, expect, it } from "vitest";
import type { ConsoleAssets } from "../../../../shared/console/console-assets.ts";
import {
  createConsoleHandler,
  isConsolePath,
  trailingSlashRedirect,
} from "../../../../shared/console/serve-console.ts";

const assets: ConsoleAssets = {
  index: '<meta name="gateway-account" content="{{account}}"><script src="console/app-ABC.js"></script>',
  files: {
    "app-ABC.js": {
      contentType: "text/javascript; charset=utf-8",
      base64: Buffer.from("run()").toString("base64"),
    },
  },
};
const handle = createConsoleHandler({ accountId: 'acc"<1>', assets: async () => assets });
const get = (path: string, method = "GET") => handle(new Request(`https://gateway.test${path}`, { method }));

describe("isConsolePath", () => {
  it("takes the root and /console/..., never an API path", () => {
    expect(isConsolePath("/")).toBe(true);
    expect(isConsolePath("/console/app-ABC.js")).toBe(true);
    expect(isConsolePath("/client/v4/accounts/local/ai-gateway/gateways")).toBe(false);
    expect(isConsolePath("/v1/local/default/openai/chat/completions")).toBe(false);
    expect(isConsolePath("/consolex")).toBe(false);
  });
});

describe("the console handler", () => {
  it("serves the page at the root, uncached, with the account written in escaped", async () => {
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(await response.text()).toContain('content="acc&#34;&#60;1&#62;"');
  });

  it("sends a strict CSP (no inline script, no eval, no framing) and nosniff with every response", async () => {
    for (const response of [
      await get("/"),
      await get("/console/app-ABC.js"),
      await get("/console/nope.js"),
    ]) {
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self';");
      expect(policy).not.toContain("unsafe-inline");
      expect(policy).not.toContain("unsafe-eval");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("serves a hashed file as immutable with its content type", async () => {
    const response = await get("/console/app-ABC.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await response.text()).toBe("run()");
  });

  it("answers 404 for a file it does not have, and 405 for a method other than GET or HEAD", async () => {
    expect((await get("/console/app-OLD.js")).status).toBe(404);
    const post = await get("/", "POST");
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  // Found by test/e2e/surface-fuzz.test.ts: every 4xx of the gateway is JSON with a message, the console's too.
  it("writes its 404 and 405 in the API's JSON envelope, naming the problem", async () => {
    for (const [path, method, status] of [
      ["/console/app-OLD.js", "GET", 404],
      ["/", "POST", 405],
    ] as const) {
      const response = await get(path, method);
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toContain("application/json");
      const body = (await response.json()) as { success: boolean; errors: { message: string }[] };
      expect(body.success).toBe(false);
      expect(body.errors[0]?.message).toMatch(method === "POST" ? /POST.*GET, HEAD/ : /app-OLD\.js/);
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await get("/console/app-ABC.js", "HEAD");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });
});

describe("trailingSlashRedirect", () => {
  it("sends /prod to /prod/, where the page's relative URLs resolve inside the stage", () => {
    const redirect = trailingSlashRedirect("/prod");
    expect(redirect?.status).toBe(301);
    expect(redirect?.headers.get("location")).toBe("/prod/");
  });

  it("leaves a path that already ends with a slash, or no path, alone", () => {
    expect(trailingSlashRedirect("/prod/")).toBeUndefined();
    expect(trailingSlashRedirect("/")).toBeUndefined();
    expect(trailingSlashRedirect(undefined)).toBeUndefined();
  });
});
