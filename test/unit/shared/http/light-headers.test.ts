import { describe, expect, it } from "vitest";
import { LightHeaders } from "../../../../shared/http/light-headers.ts";

type Operation =
  | ["append" | "set", string, string]
  | ["delete" | "get" | "has", string]
  | ["getSetCookie" | "entries" | "keys" | "values" | "forEach"];

/** What an operation gave: its result, or the class and message of what it threw. */
function outcome(headers: Headers, operation: Operation): unknown {
  try {
    const [method, ...args] = operation;
    switch (method) {
      case "entries":
      case "keys":
      case "values":
        return [...headers[method]()];
      case "forEach": {
        const seen: unknown[] = [];
        headers.forEach((value, name, parent) => {
          seen.push([name, value, parent === headers]);
        });
        return seen;
      }
      default:
        return (headers[method] as (...values: string[]) => unknown)(...(args as string[]));
    }
  } catch (error) {
    return { threw: (error as Error).constructor.name, message: (error as Error).message };
  }
}

/** Runs the same operations on a platform Headers and a LightHeaders; each step's outcome must agree. */
function expectSameAsPlatform(operations: Operation[]): void {
  const platform = new Headers();
  const light = new LightHeaders();
  for (const operation of operations) {
    expect(outcome(light, operation), JSON.stringify(operation)).toEqual(outcome(platform, operation));
    expect([...light], `after ${JSON.stringify(operation)}`).toEqual([...platform]);
  }
}

describe("LightHeaders, side by side with the platform's Headers", () => {
  it("reads names case-insensitively and gives them back lower-cased and sorted", () => {
    expectSameAsPlatform([
      ["append", "X-B", "2"],
      ["append", "content-type", "application/json"],
      ["set", "Authorization", "Bearer k"],
      ["get", "CONTENT-TYPE"],
      ["get", "x-b"],
      ["has", "AUTHORIZATION"],
      ["has", "x-missing"],
      ["get", "x-missing"],
      ["keys"],
      ["values"],
      ["entries"],
      ["forEach"],
    ]);
  });

  it("joins repeated values with a comma, empty ones included, and set replaces them all", () => {
    expectSameAsPlatform([
      ["append", "x-multi", "a"],
      ["append", "X-Multi", ""],
      ["append", "x-multi", "b"],
      ["get", "x-multi"],
      ["set", "X-MULTI", "c"],
      ["get", "x-multi"],
      ["append", "x-empty", ""],
      ["get", "x-empty"],
      ["has", "x-empty"],
    ]);
  });

  it("keeps each set-cookie apart for getSetCookie and iteration, joined for get", () => {
    expectSameAsPlatform([
      ["append", "Set-Cookie", "a=1; Path=/"],
      ["append", "set-cookie", "b=2, c=3"],
      ["append", "x-after", "1"],
      ["append", "age", "0"],
      ["get", "set-cookie"],
      ["getSetCookie"],
      ["keys"],
      ["forEach"],
      ["set", "set-cookie", "d=4"],
      ["getSetCookie"],
      ["delete", "SET-COOKIE"],
      ["getSetCookie"],
      ["get", "set-cookie"],
      ["append", "set-cookie", "e=5"],
      ["getSetCookie"],
    ]);
  });

  it("deletes by any case, and deleting an absent name changes nothing", () => {
    expectSameAsPlatform([
      ["append", "a", "1"],
      ["append", "B", "2"],
      ["delete", "A"],
      ["delete", "absent"],
      ["has", "a"],
      ["get", "b"],
    ]);
  });

  it("strips leading and trailing HTTP whitespace from values, and nothing else", () => {
    expectSameAsPlatform([
      ["append", "a", "  spaced  "],
      ["append", "b", "\t\r\n tabbed \n\r\t"],
      ["set", "c", " \u00a0kept-nbsp\u00a0 "],
      ["append", "d", "in  side\tkept"],
      ["append", "e", " \t "],
      ["append", "f", "\u000bvertical-tab\u000c"],
      ["append", "g", "latin-1 é ÿ"],
      ["append", "h", "\u0001controls kept\u001f"],
      ["append", "i", "x"],
      ["append", "j", "\u00ff"],
      ["append", "k", "\u007f"],
      ["append", "l", " "],
      ["entries"],
    ]);
  });

  it("throws the platform's TypeError for an invalid name or value, and changes nothing", () => {
    expectSameAsPlatform([
      ["append", "ok", "1"],
      ["append", "bad name", "x"],
      ["append", "", "x"],
      ["append", "bad:name", "x"],
      ["append", "naïve", "x"],
      ["append", "x-check", "✓"],
      ["append", "x-check", "ÿ✓"],
      ["append", "x-check", "✓ "],
      ["append", "x-nul-end", "a\u0000"],
      ["append", "bad name", "✓"],
      ["append", "x-nul", "a\u0000b"],
      ["append", "x-lf", "a\nb"],
      ["append", "x-cr", "a\rb"],
      ["set", "bad(name)", "x"],
      ["set", "x-crlf", "a\r\nInjected: 1"],
      ["get", "bad name"],
      ["has", "bad name"],
      ["delete", "bad name"],
      ["get", "✓"],
      ["entries"],
    ]);
  });

  it("accepts every token character in a name", () => {
    expectSameAsPlatform([
      ["append", "!#$%&'*+-.^_`|~09azAZ", "1"],
      ["get", "!#$%&'*+-.^_`|~09AZAZ"],
      ["keys"],
    ]);
  });

  it("sees a change made while iterating, as the platform's iterator does", () => {
    const run = (headers: Headers) => {
      headers.append("a", "1");
      headers.append("b", "2");
      headers.append("c", "3");
      const seen: string[] = [];
      for (const [name] of headers) {
        seen.push(name);
        if (name === "a") headers.delete("a");
        if (name === "c") headers.append("d", "4");
      }
      return seen;
    };

    expect(run(new LightHeaders())).toEqual(run(new Headers()));
    expect(run(new LightHeaders())).toEqual(["a", "c", "d"]);
  });

  it("passes forEach's thisArg and refuses a callback that is not a function", () => {
    const target = { name: "this" };
    const thisOf = (headers: Headers) => {
      headers.set("a", "1");
      let seen: unknown;
      headers.forEach(function (this: unknown) {
        seen = this;
      }, target);
      return seen;
    };
    expect(thisOf(new LightHeaders())).toBe(target);
    expect(thisOf(new Headers())).toBe(target);
    expect(() => new LightHeaders().forEach(null as never)).toThrow(TypeError);
    expect(() => new Headers().forEach(null as never)).toThrow(TypeError);
  });

  it("builds from a record, an array of pairs and another Headers, as the platform's constructor", () => {
    const record = { "Content-Type": "text/plain", " x-bad": "1" };
    expect(outcome(new LightHeaders(), ["entries"])).toEqual([]);
    expect(() => new LightHeaders(record)).toThrow(TypeError);
    expect(() => new Headers(record)).toThrow(TypeError);

    const inits: HeadersInit[] = [
      { "Content-Type": "text/plain", "X-A": " 1 " },
      [
        ["set-cookie", "a=1"],
        ["Set-Cookie", "b=2"],
        ["x-a", "1"],
        ["X-A", "2"],
      ],
      new Headers([
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
      ]),
    ];
    for (const init of inits) {
      const light = new LightHeaders(init);
      expect([...light]).toEqual([...new Headers(init)]);
      expect(light.getSetCookie()).toEqual(new Headers(init).getSetCookie());
    }
    expect(() => new LightHeaders([["a", "1", "2"]] as never)).toThrow(TypeError);
    expect(() => new Headers([["a", "1", "2"]] as never)).toThrow(TypeError);
  });

  it("copies another LightHeaders without sharing its state", () => {
    const original = new LightHeaders([
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["x-a", "1"],
    ]);

    const copy = new LightHeaders(original);
    copy.append("set-cookie", "c=3");
    copy.set("x-a", "2");

    expect(original.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(original.get("x-a")).toBe("1");
    expect(copy.getSetCookie()).toEqual(["a=1", "b=2", "c=3"]);
  });

  it("is accepted by the platform's Headers, Response and Request as headers", async () => {
    const light = new LightHeaders([
      ["Content-Type", "text/plain"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["x-multi", "1"],
      ["x-multi", "2"],
    ]);

    const response = new Response("body", { headers: light });
    const request = new Request("https://gw.example/", { method: "POST", headers: light });

    expect([...new Headers(light)]).toEqual([...light]);
    expect([...response.headers]).toEqual([...light]);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect([...request.headers]).toEqual([...light]);
    expect(Object.fromEntries(light)).toEqual(Object.fromEntries(new Headers(light)));
    expect(await response.text()).toBe("body");
  });

  it("gives iterators like the platform's: iterable themselves, on the shared iterator prototype", () => {
    const light = new LightHeaders({ a: "1" });
    const platform = new Headers({ a: "1" });

    const iterator = light.keys();

    expect(iterator[Symbol.iterator]()).toBe(iterator);
    expect(Object.prototype.toString.call(iterator)).toBe(Object.prototype.toString.call(platform.keys()));
    expect(Object.getPrototypeOf(Object.getPrototypeOf(iterator))).toBe(
      Object.getPrototypeOf(Object.getPrototypeOf(platform.keys())),
    );
    expect(iterator.next()).toEqual({ value: "a", done: false });
    expect(iterator.next()).toEqual({ value: undefined, done: true });
  });

  it("gives a fresh pair for each entry, so changing one does not change the headers", () => {
    const light = new LightHeaders({ a: "1" });

    const [pair] = [...light];
    (pair as [string, string])[1] = "changed";

    expect([...light]).toEqual([["a", "1"]]);
  });

  it("filters a copy by name, from a LightHeaders or a platform Headers alike", () => {
    const init: [string, string][] = [
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["X-Keep", "1"],
      ["x-keep", "2"],
      ["x-drop", "3"],
    ];
    const keep = (name: string) => name !== "x-drop";

    const fromLight = LightHeaders.filtered(new LightHeaders(init), keep);
    const fromPlatform = LightHeaders.filtered(new Headers(init), keep);

    expect([...fromLight]).toEqual([
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["x-keep", "1, 2"],
    ]);
    expect([...fromPlatform]).toEqual([...fromLight]);
    expect(fromLight.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(
      LightHeaders.filtered(new LightHeaders(init), (name) => name !== "set-cookie").getSetCookie(),
    ).toEqual([]);
  });
});
