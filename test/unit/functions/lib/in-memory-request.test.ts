import { describe, expect, it } from "vitest";
import { InMemoryRequest } from "../../../../functions/lib/in-memory-request.ts";
import { LightHeaders } from "../../../../shared/http/light-headers.ts";

const FIXED_FIELDS = [
  "cache",
  "credentials",
  "destination",
  "integrity",
  "keepalive",
  "mode",
  "redirect",
  "referrer",
  "referrerPolicy",
  "duplex",
  "isReloadNavigation",
  "isHistoryNavigation",
] as const;

/** What constructing gave: the URL and method kept, or the class and message of what was thrown. */
function construct(make: () => Request): unknown {
  try {
    const request = make();
    return { url: request.url, method: request.method };
  } catch (error) {
    return { threw: (error as Error).constructor.name, message: (error as Error).message };
  }
}

describe("InMemoryRequest", () => {
  it("has the fields a platform Request built from a URL, a method and headers has", () => {
    const url = "https://gw.example/v1/acc/gw/openai/chat/completions?x=1";
    const platform = new Request(url, { method: "POST", headers: new Headers({ a: "1" }) });
    const request = new InMemoryRequest(url, { method: "POST", headers: new LightHeaders({ a: "1" }) }, null);

    for (const field of FIXED_FIELDS) {
      expect(request[field as keyof Request], field).toBe(
        (platform as unknown as Record<string, unknown>)[field],
      );
    }
    expect(request.url).toBe(platform.url);
    expect(request.method).toBe(platform.method);
    expect(request.body).toBe(platform.body);
    expect(request.bodyUsed).toBe(platform.bodyUsed);
    expect(request.signal.aborted).toBe(platform.signal.aborted);
    expect([...request.headers]).toEqual([...platform.headers]);
  });

  it("keeps the headers it is given, as they are", () => {
    const headers = new LightHeaders({ "x-a": "1" });

    const request = new InMemoryRequest("https://gw.example/", { method: "GET", headers }, null);

    expect(request.headers).toBe(headers);
  });

  it("makes its signal on first use, once, never aborted", () => {
    const request = new InMemoryRequest(
      "https://gw.example/",
      { method: "GET", headers: new LightHeaders() },
      null,
    );

    const signal = request.signal;

    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    expect(request.signal).toBe(signal);
  });

  it.each([
    "https://gw.example/v1/path",
    "https://GW.Example:443/v1/path",
    "https://gw.example:8443/v1/path?a=1&b=%20",
    "http://127.0.0.1:8787/v1/x",
    "https://gw.example/v1/a/../b/./c",
    "https://gw.example/v1/héllo world",
    "https://gw.example/v1/%2e%2E/x",
    "https://gw.example/v1/x?q='quote'&r=<a>",
    "https://gw.example/v1/x#fragment",
    "https://0x7f.1/v1/x",
    "https://user:secret@gw.example/v1/x",
    "https://gw example/v1/x",
    "not a url",
  ])("keeps or refuses the URL %s as a platform Request does", (url) => {
    expect(
      construct(() => new InMemoryRequest(url, { method: "GET", headers: new LightHeaders() }, null)),
    ).toEqual(construct(() => new Request(url, { method: "GET" })));
  });

  it.each([
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "post",
    "Get",
    "PROPFIND",
    "custom",
    "bad method",
    "",
  ])("keeps or refuses the method %j as a platform Request does", (method) => {
    const url = "https://gw.example/";
    expect(construct(() => new InMemoryRequest(url, { method, headers: new LightHeaders() }, null))).toEqual(
      construct(() => new Request(url, { method })),
    );
  });

  it.each([
    ["TRACE", "TRACE"],
    ["connect", "CONNECT"],
    ["track", "TRACK"],
  ])(
    "keeps %j (as %j), which a platform Request refuses, so the handler can answer it with a 405",
    (method, kept) => {
      expect(
        new InMemoryRequest("https://gw.example/", { method, headers: new LightHeaders() }, null).method,
      ).toBe(kept);
    },
  );

  it("clones with headers of its own", async () => {
    const request = new InMemoryRequest(
      "https://gw.example/",
      { method: "POST", headers: new LightHeaders({ "x-a": "1" }) },
      Buffer.from("body"),
    );

    const copy = request.clone();
    copy.headers.set("x-a", "2");

    expect(request.headers.get("x-a")).toBe("1");
    expect(copy.url).toBe(request.url);
    expect(copy.method).toBe("POST");
    expect(await copy.text()).toBe("body");
    expect(await request.text()).toBe("body");
    expect(() => request.clone()).toThrow(TypeError);
  });

  it("reads form data with the content type of its headers", async () => {
    const request = new InMemoryRequest(
      "https://gw.example/",
      { method: "POST", headers: new LightHeaders({ "content-type": "application/x-www-form-urlencoded" }) },
      Buffer.from("a=1&b=two"),
    );

    const form = await request.formData();

    expect(form.get("a")).toBe("1");
    expect(form.get("b")).toBe("two");
    expect(request.bodyUsed).toBe(true);
  });
});
