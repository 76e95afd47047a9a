import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let runToken = "";

beforeAll(async () => {
  t = await startTestGateway();
  await t.storeProviderKey("openai", "sk-stored-openai-0123456789abcdef");
  await t.storeProviderKey("anthropic", "sk-ant-stored-0123456789");
  runToken = await t.createRunToken();
});

afterAll(async () => {
  await t.stop();
});

/** The mock provider destroys its socket after two content deltas: a stream cut mid-way. */
const CUT = { "x-mock-cut-after": "2" };

function compat(body: unknown) {
  return fetch(`${t.compatUrl()}/chat/completions`, {
    method: "POST",
    headers: {
      ...t.gatewayAuth,
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      ...CUT,
    },
    body: JSON.stringify(body),
  });
}

function rest(operation: string, body: unknown) {
  return fetch(`${t.restUrl}/${operation}`, {
    method: "POST",
    headers: { authorization: `Bearer ${runToken}`, "content-type": "application/json", ...CUT },
    body: JSON.stringify(body),
  });
}

/** The SSE events of a body, each as its `event:` name (or null) and its parsed `data`. */
function eventsOf(text: string): { event: string | null; data: Record<string, unknown> }[] {
  return text
    .trim()
    .split("\n\n")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? null;
      const data = lines.find((line) => line.startsWith("data: "))?.slice(6) ?? "null";
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** The request's log: the cut is a failure, code 7009, with the part of the answer that was sent. */
async function expectFailureLogged(response: Response): Promise<void> {
  const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
  expect(log).toMatchObject({
    success: false,
    error: { code: 7009, message: "The provider connection failed mid-response" },
  });
  expect(Number(log.response_size)).toBeGreaterThan(0);
}

describe("a stream the provider cuts, on the unified surfaces", () => {
  it("ends a compat chat stream with OpenAI's data: error event", async () => {
    const response = await compat({
      model: "openai/gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    const events = eventsOf(await response.text());
    expect(events.length).toBeGreaterThan(1);
    expect(events[0]?.data).toMatchObject({ object: "chat.completion.chunk" });
    expect(events.at(-1)).toEqual({
      event: null,
      data: {
        error: {
          message: "The provider connection failed mid-response",
          type: "api_error",
          param: null,
          code: 502,
        },
      },
    });
    await expectFailureLogged(response);
  });

  it("ends an /ai/v1/messages stream with Anthropic's event: error", async () => {
    const response = await rest("messages", {
      model: "openai/gpt-4o-mini",
      max_tokens: 32,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    const events = eventsOf(await response.text());
    expect(events[0]?.event).toBe("message_start");
    expect(events.at(-1)).toEqual({
      event: "error",
      data: {
        type: "error",
        error: { type: "api_error", message: "The provider connection failed mid-response" },
      },
    });
    await expectFailureLogged(response);
  });

  it("ends a bridged Responses stream (an Anthropic model) with the Responses error event", async () => {
    const response = await rest("responses", {
      model: "anthropic/claude-3-5-haiku-latest",
      input: "hi",
      stream: true,
    });
    expect(response.status).toBe(200);
    const events = eventsOf(await response.text());
    expect(events[0]?.event).toBe("response.created");
    expect(events.at(-1)?.event).toBe("error");
    expect(events.at(-1)?.data).toMatchObject({
      type: "error",
      code: "server_error",
      message: "The provider connection failed mid-response",
    });
    await expectFailureLogged(response);
  });

  it("ends a native OpenAI Responses stream with the Responses error event", async () => {
    const response = await rest("responses", { model: "openai/gpt-4o-mini", input: "hi", stream: true });
    expect(response.status).toBe(200);
    const events = eventsOf(await response.text());
    expect(events[0]?.event).toBe("response.created");
    expect(events.at(-1)?.event).toBe("error");
    expect(events.at(-1)?.data).toMatchObject({
      type: "error",
      code: "server_error",
      message: "The provider connection failed mid-response",
    });
    await expectFailureLogged(response);
  });

  it("makes the OpenAI SDK raise an error rather than end quietly", async () => {
    const stream = await t.compatClient("sk-test", CUT).chat.completions.create({
      model: "openai/gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const read = async () => {
      for await (const _chunk of stream) {
        // read to the end
      }
    };
    await expect(read()).rejects.toThrow("The provider connection failed mid-response");
  });
});
