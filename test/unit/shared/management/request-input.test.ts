import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  MAX_MANAGEMENT_BODY_BYTES,
  parseInput,
  readJsonObject,
} from "../../../../shared/management/request-input.ts";

const post = (body: BodyInit) => new Request("https://gw.test/x", { method: "POST", body });

describe("readJsonObject", () => {
  it("reads a JSON object", async () => {
    expect(await readJsonObject(post('{"a":1}'))).toEqual({ a: 1 });
  });

  it("says when the body is not valid JSON", async () => {
    await expect(readJsonObject(post("{nope"))).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("Request body is not valid JSON"),
    });
  });

  it("says when the body is empty, or JSON that is not an object", async () => {
    await expect(readJsonObject(post(""))).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("empty"),
    });
    for (const body of ["[1]", '"text"', "null", "3"]) {
      await expect(readJsonObject(post(body))).rejects.toMatchObject({
        message: "Request body must be a JSON object",
      });
    }
  });

  it("refuses a body over the limit with 413", async () => {
    const body = JSON.stringify({ a: "x".repeat(MAX_MANAGEMENT_BODY_BYTES) });
    await expect(readJsonObject(post(body))).rejects.toMatchObject({ status: 413 });
  });
});

describe("parseInput", () => {
  const schema = z.strictObject({
    name: z.string().max(3),
    nested: z.strictObject({ n: z.number() }).optional(),
  });

  it("names every unknown field, nested ones by their path", () => {
    const parse = () => parseInput(schema, { name: "a", foo: 1, nested: { n: 1, bar: 2 } });
    expect(parse).toThrow('Unknown field "foo"');
    expect(parse).toThrow('Unknown field "nested.bar"');
  });

  it("says why a known field is refused when it is unsupported on purpose", () => {
    expect(() => parseInput(schema, { name: "a", dlp: {} }, { unsupported: new Set(["dlp"]) })).toThrow(
      'Field "dlp" is not supported by this gateway',
    );
    expect(() =>
      parseInput(
        schema,
        { name: "a", secret_id: "x" },
        { unsupported: new Map([["secret_id", "needs a Secrets Store"]]) },
      ),
    ).toThrow('Field "secret_id" needs a Secrets Store');
  });

  it("names the field of a wrong type or size", () => {
    expect(() => parseInput(schema, { name: 5 })).toThrow(
      "name: Invalid input: expected string, received number",
    );
    expect(() => parseInput(schema, { name: "abcd" })).toThrow(/name: Too big/);
  });

  it("speaks of query parameters for a query", () => {
    expect(() => parseInput(schema, { name: "a", sort: "x" }, { source: "query" })).toThrow(
      'Unknown query parameter "sort"',
    );
  });

  it("keeps the message short when a client sends hundreds of unknown fields", () => {
    const body = Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`f${index}`, 1]));
    expect(() => parseInput(schema, { name: "a", ...body })).toThrow(/and 290 more$/);
  });
});
