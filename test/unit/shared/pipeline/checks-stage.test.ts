import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../../../shared/core/build-log-event.ts";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import {
  checkResponse,
  NO_CHECKS,
  type PipelineChecks,
  type ResponseTransform,
  runRequestChecks,
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

  it("leaves the body untouched without transforms", () => {
    const body = new Response("as sent").body as ReadableStream<Uint8Array>;
    expect(transformResponseBody(NO_CHECKS, body, { status: 200, contentType: null, record })).toBe(body);
  });

  it("hands the client the transformed body, with the status as it was", async () => {
    const checks: PipelineChecks = { requests: [], responses: [upperCase] };
    const body = new Response("hello").body as ReadableStream<Uint8Array>;
    const checked = await checkResponse(checks, body, { status: 201, contentType: "text/plain", record });
    expect(checked.status).toBe(201);
    expect(await new Response(checked.body).text()).toBe("HELLO");
  });

  it("reads a whole body before the head, so a transform may change its status and add headers", async () => {
    const refuse: ResponseTransform = {
      name: "refuse",
      transform: (body) => body,
      whole: (whole) => ({
        status: 400,
        headers: { "x-check": "1" },
        body: new TextEncoder().encode(`no: ${new TextDecoder().decode(whole.body)}`),
      }),
    };
    const body = new Response("secret").body as ReadableStream<Uint8Array>;
    const checked = await checkResponse({ requests: [], responses: [refuse] }, body, {
      status: 200,
      contentType: "application/json",
      record,
    });
    expect({ status: checked.status, headers: checked.headers }).toEqual({
      status: 400,
      headers: { "x-check": "1" },
    });
    expect(await new Response(checked.body).text()).toBe("no: secret");
  });

  it("transforms a stream as it passes, with the headers known up front", async () => {
    const streamed: ResponseTransform = {
      ...upperCase,
      whole: () => ({ status: 500, headers: {}, body: new Uint8Array() }),
      headers: () => ({ "x-up-front": "1" }),
    };
    const body = new Response("data: hi\n\n").body as ReadableStream<Uint8Array>;
    const checked = await checkResponse({ requests: [], responses: [streamed] }, body, {
      status: 200,
      contentType: "text/event-stream",
      record,
    });
    expect(checked.status).toBe(200);
    expect(checked.headers).toEqual({ "x-up-front": "1" });
    expect(await new Response(checked.body).text()).toBe("DATA: HI\n\n");
  });

  it("leaves the body unread when no transform applies to the response", async () => {
    const idle: ResponseTransform = { ...upperCase, appliesTo: () => false };
    const body = new Response("as sent").body as ReadableStream<Uint8Array>;
    const checked = await checkResponse({ requests: [], responses: [idle] }, body, {
      status: 200,
      contentType: null,
      record,
    });
    expect(checked.body).toBe(body);
  });
});
