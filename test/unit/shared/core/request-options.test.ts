import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { parseMetadata, parseRequestOptions } from "../../../../shared/core/request-options.ts";

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

function expectBadRequest(action: () => unknown): GatewayError {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).status).toBe(400);
  return error as GatewayError;
}

describe("parseMetadata", () => {
  it("keeps a flat object of strings, numbers and booleans", () => {
    const metadata = parseMetadata('{"user":"u1","team":7,"beta":true}');

    expect(metadata).toEqual({ user: "u1", team: 7, beta: true });
  });

  it("keeps the first five entries and ignores the rest", () => {
    const metadata = parseMetadata('{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7}');

    expect(metadata).toEqual({ a: 1, b: 2, c: 3, d: 4, e: 5 });
  });

  it("drops reserved keys starting with cf. before counting five", () => {
    const metadata = parseMetadata('{"cf.trace":"x","a":1,"b":2,"c":3,"d":4,"e":5,"f":6}');

    expect(metadata).toEqual({ a: 1, b: 2, c: 3, d: 4, e: 5 });
  });

  it("returns null when only reserved keys were sent", () => {
    expect(parseMetadata('{"cf.a":"x"}')).toBeNull();
  });

  it.each([
    ["a nested object", '{"user":"u1","nested":{"a":1}}'],
    ["an array value", '{"user":"u1","tags":["a","b"]}'],
    ["a null value", '{"user":"u1","gone":null}'],
  ])("ignores the whole header when it holds %s", (_, raw) => {
    expect(parseMetadata(raw)).toBeNull();
  });

  it.each([
    ["malformed JSON", "{user:"],
    ["a JSON array", '["a","b"]'],
    ["a JSON string", '"user"'],
    ["JSON null", "null"],
    ["an empty object", "{}"],
    ["an empty header", ""],
    ["no header", null],
  ])("returns null for %s", (_, raw) => {
    expect(parseMetadata(raw)).toBeNull();
  });
});

describe("parseRequestOptions", () => {
  it("returns the defaults when no cf-aig header is sent", () => {
    const options = parseRequestOptions(new Headers());

    expect(options).toEqual({
      eventId: null,
      metadata: null,
      collectLog: null,
      collectLogPayload: true,
      requestTimeoutMs: null,
    });
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["True", true],
    ["1", true],
    ["false", false],
    ["FALSE", false],
    ["0", false],
  ])("reads cf-aig-collect-log %s as %s", (raw, expected) => {
    const options = parseRequestOptions(new Headers({ "cf-aig-collect-log": raw }));

    expect(options.collectLog).toBe(expected);
  });

  it.each([
    ["false", false],
    ["0", false],
    ["TrUe", true],
  ])("reads cf-aig-collect-log-payload %s as %s", (raw, expected) => {
    const options = parseRequestOptions(new Headers({ "cf-aig-collect-log-payload": raw }));

    expect(options.collectLogPayload).toBe(expected);
  });

  it.each(["cf-aig-collect-log", "cf-aig-collect-log-payload"])(
    "refuses a value of %s other than true, false, 1 or 0 with a 400 naming the header",
    (name) => {
      for (const raw of ["yes", "no", "2", "t", ""]) {
        const error = expectBadRequest(() => parseRequestOptions(new Headers({ [name]: raw })));

        expect(error.message).toContain(name);
      }
    },
  );

  it("reads cf-aig-request-timeout as milliseconds", () => {
    const options = parseRequestOptions(new Headers({ "cf-aig-request-timeout": "2500" }));

    expect(options.requestTimeoutMs).toBe(2500);
  });

  it.each(["0", "-5", "1.5", "abc", "", "1e3", "0x10", "3000000000"])(
    "refuses cf-aig-request-timeout %j with a 400",
    (raw) => {
      const error = expectBadRequest(() =>
        parseRequestOptions(new Headers({ "cf-aig-request-timeout": raw })),
      );

      expect(error.message).toContain("cf-aig-request-timeout");
    },
  );

  it("keeps an event id of 1 to 256 characters", () => {
    const short = parseRequestOptions(new Headers({ "cf-aig-event-id": "e" }));
    const long = parseRequestOptions(new Headers({ "cf-aig-event-id": "e".repeat(256) }));

    expect(short.eventId).toBe("e");
    expect(long.eventId).toBe("e".repeat(256));
  });

  it("refuses an event id over 256 characters with a 400", () => {
    const error = expectBadRequest(() =>
      parseRequestOptions(new Headers({ "cf-aig-event-id": "e".repeat(257) })),
    );

    expect(error.message).toContain("cf-aig-event-id");
  });

  it("refuses an empty event id with a 400", () => {
    expectBadRequest(() => parseRequestOptions(new Headers({ "cf-aig-event-id": "" })));
  });

  it("ignores malformed metadata rather than failing the request", () => {
    const options = parseRequestOptions(new Headers({ "cf-aig-metadata": "{not json" }));

    expect(options.metadata).toBeNull();
  });

  it("reads cf-aig-metadata", () => {
    const options = parseRequestOptions(new Headers({ "cf-aig-metadata": '{"user":"u1"}' }));

    expect(options.metadata).toEqual({ user: "u1" });
  });

  it("carries the trace context of cf-aig-otel-trace-id and cf-aig-otel-parent-span-id", () => {
    const options = parseRequestOptions(
      new Headers({
        "cf-aig-otel-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "cf-aig-otel-parent-span-id": "00f067aa0ba902b7",
      }),
    );

    expect(options.traceContext).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      parentSpanId: "00f067aa0ba902b7",
    });
  });

  it("refuses a malformed cf-aig-otel-trace-id with a 400, so the universal endpoint refuses it once", () => {
    const error = expectBadRequest(() =>
      parseRequestOptions(new Headers({ "cf-aig-otel-trace-id": "not-a-trace" })),
    );

    expect(error.message).toContain("cf-aig-otel-trace-id");
  });
});
