import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../../../shared/core/build-log-event.ts";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import {
  checkWholeBody,
  checkWholeResponse,
  NO_CHECKS,
  type PipelineChecks,
  type ResponseTransform,
  runRequestChecks,
  transformResponse,
  transformResponseBody,
} from "../../../../shared/pipeline/checks-stage.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";

const record = { id: "row" } as RequestRecord;
const gateway = defaultGateway("default", new Date("2026-12-01T00:00:00Z"));

/** Upper-cases the body's text, chunk by chunk: a stand-in for a redaction. */
const upperCase: ResponseTransform = {
  name: "upper-case",
  transform: (body) => {
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    return body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) =>
          controller.enqueue(encoder.encode(decoder.decode(chunk, { stream: true }).toUpperCase())),
      }),
    );
  },
};

describe("the checks stage", () => {
  it("runs the request checks in order and stops at the first refusal", async () => {
    const ran: string[] = [];
    const checks: PipelineChecks = {
      requests: [
        { name: "first", check: async () => void ran.push("first") },
        {
          name: "refuses",
          check: async () => {
            ran.push("refuses");
            throw GatewayError.badRequest("no");
          },
        },
        { name: "never", check: async () => void ran.push("never") },
      ],
      responses: [],
    };
    await expect(runRequestChecks(checks, { record, gateway })).rejects.toThrow("no");
    expect(ran).toEqual(["first", "refuses"]);
  });

  it("passes every request when the slot is empty", async () => {
    await expect(runRequestChecks(NO_CHECKS, { record, gateway })).resolves.toBeUndefined();
  });

  it("leaves the body and the response untouched without transforms", () => {
    const body = new Response("as sent").body as ReadableStream<Uint8Array>;
    expect(transformResponseBody(NO_CHECKS, body, { status: 200, contentType: null, record })).toBe(body);
    const response = new Response("as sent");
    expect(transformResponse(NO_CHECKS, response, record)).toBe(response);
  });

  it("hands the client the transformed body, with the status and headers as they were", async () => {
    const checks: PipelineChecks = { requests: [], responses: [upperCase] };
    const response = transformResponse(
      checks,
      new Response("hello", { status: 201, headers: { "content-type": "text/plain", "x-kept": "1" } }),
      record,
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("x-kept")).toBe("1");
    expect(await response.text()).toBe("HELLO");
  });

  it("leaves the response untouched when no transform applies to it", () => {
    const checks: PipelineChecks = { requests: [], responses: [{ ...upperCase, appliesTo: () => false }] };
    const response = new Response("as sent");
    expect(transformResponse(checks, response, record, gateway)).toBe(response);
    const body = new Response("as sent").body as ReadableStream<Uint8Array>;
    expect(transformResponseBody(checks, body, { status: 200, contentType: null, record })).toBe(body);
  });

  it("checks a whole body a transform wants before the status is sent, and hands on the same bytes", async () => {
    const seen: string[] = [];
    const wholeCheck: ResponseTransform = {
      ...upperCase,
      wantsWholeBody: (response) => response.contentType === "application/json",
      checkWholeBody: async (body) => void seen.push(new TextDecoder().decode(body)),
    };
    const checks: PipelineChecks = { requests: [], responses: [wholeCheck] };
    const json = new Response('{"a":1}', { headers: { "content-type": "application/json" } });
    expect(await (await checkWholeResponse(checks, json, record, gateway)).text()).toBe('{"a":1}');
    expect(seen).toEqual(['{"a":1}']);
    const stream = new Response("data: x").body as ReadableStream<Uint8Array>;
    const facts = { status: 200, contentType: "text/event-stream", record, gateway };
    expect(await checkWholeBody(checks, stream, facts)).toBe(stream);
  });

  it("lets a whole-body check refuse the response by throwing", async () => {
    const refusing: ResponseTransform = {
      ...upperCase,
      wantsWholeBody: () => true,
      checkWholeBody: async () => {
        throw new GatewayError({ status: 424, code: 2017, message: "blocked" });
      },
    };
    const checks: PipelineChecks = { requests: [], responses: [refusing] };
    await expect(checkWholeResponse(checks, new Response("{}"), record, gateway)).rejects.toMatchObject({
      status: 424,
    });
  });
});
