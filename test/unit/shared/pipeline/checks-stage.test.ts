import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../../../shared/core/build-log-event.ts";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { NodeBodyResponse, takeNodeBody } from "../../../../shared/http/node-body-response.ts";
import {
  checkResponse,
  NO_CHECKS,
  type PipelineChecks,
  type ResponseTransform,
  runRequestChecks,
  streamChecked,
} from "../../../../shared/pipeline/checks-stage.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";

const record = { id: "row" } as RequestRecord;
const gateway = defaultGateway("default", new Date("2026-12-01T00:00:00Z"));

/** Upper-cases the body's text, chunk by chunk: a stand-in for a redaction. */
const upperCase: ResponseTransform = {
  name: "upper-case",
  stream: () => {
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    return {
      transform: (chunk, controller) =>
        controller.enqueue(encoder.encode(decoder.decode(chunk, { stream: true }).toUpperCase())),
    };
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

  it("leaves the response untouched without stream checks", () => {
    const response = new Response("as sent");
    expect(streamChecked(response, [])).toBe(response);
  });

  it("runs stream checks over a Node body inside the Node stream, and over a web body in TransformStreams", async () => {
    const check = upperCase.stream({ status: 200, contentType: "text/event-stream", record });
    if (!check) throw new Error("no check");
    const node = new NodeBodyResponse(Readable.from([Buffer.from("node")]), {
      status: 200,
      headers: new Headers(),
    });
    const checkedNode = streamChecked(node, [check]);
    const source = takeNodeBody(checkedNode);
    expect(source).toBeInstanceOf(Readable);
    expect(Buffer.concat(await (source as Readable).toArray()).toString()).toBe("NODE");

    const web = upperCase.stream({ status: 200, contentType: "text/event-stream", record });
    const checkedWeb = streamChecked(new Response("web"), web ? [web] : []);
    expect(takeNodeBody(checkedWeb)).toBeNull();
    expect(await checkedWeb.text()).toBe("WEB");
  });

  it("hands the client the transformed body, with the status as it was", async () => {
    const checks: PipelineChecks = { requests: [], responses: [upperCase] };
    const checked = await checkResponse(checks, new Response("hello"), {
      status: 201,
      contentType: "text/plain",
      record,
    });
    expect(checked.status).toBe(201);
    expect(await checked.response.text()).toBe("HELLO");
  });

  it("reads a whole body before the head, so a transform may change its status and add headers", async () => {
    const refuse: ResponseTransform = {
      name: "refuse",
      stream: () => null,
      whole: (whole) => ({
        status: 400,
        headers: { "x-check": "1" },
        body: new TextEncoder().encode(`no: ${new TextDecoder().decode(whole.body)}`),
      }),
    };
    const checked = await checkResponse({ requests: [], responses: [refuse] }, new Response("secret"), {
      status: 200,
      contentType: "application/json",
      record,
    });
    expect({ status: checked.status, headers: checked.headers }).toEqual({
      status: 400,
      headers: { "x-check": "1" },
    });
    expect(checked.response.status).toBe(400);
    expect(await checked.response.text()).toBe("no: secret");
  });

  it("transforms a stream as it passes, with the headers known up front", async () => {
    const streamed: ResponseTransform = {
      ...upperCase,
      whole: () => ({ status: 500, headers: {}, body: new Uint8Array() }),
      headers: () => ({ "x-up-front": "1" }),
    };
    const checked = await checkResponse(
      { requests: [], responses: [streamed] },
      new Response("data: hi\n\n"),
      {
        status: 200,
        contentType: "text/event-stream",
        record,
      },
    );
    expect(checked.status).toBe(200);
    expect(checked.headers).toEqual({ "x-up-front": "1" });
    expect(await checked.response.text()).toBe("DATA: HI\n\n");
  });

  it("leaves the body unread when no transform applies to the response", async () => {
    const idle: ResponseTransform = { ...upperCase, appliesTo: () => false };
    const response = new Response("as sent");
    const checked = await checkResponse({ requests: [], responses: [idle] }, response, {
      status: 200,
      contentType: null,
      record,
    });
    expect(checked.response).toBe(response);
  });
});
