import { createParser, type EventSourceMessage } from "eventsource-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, type MockUpstream, startMockUpstream } from "./server.ts";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function sseEvents(response: Response): Promise<EventSourceMessage[]> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(await response.text());
  return events;
}

const chat = { model: "command-a-03-2025", messages: [{ role: "user", content: "Weather?" }] };
const cohereAuth = { authorization: "Bearer co-mock" };

describe("Cohere mock", () => {
  it("streams the documented event sequence, each event named by its type", async () => {
    const response = await post("/v2/chat", { ...chat, stream: true }, cohereAuth);
    const events = await sseEvents(response);
    expect(events.map((event) => event.event)).toEqual([
      "message-start",
      "content-start",
      ...Array(5).fill("content-delta"),
      "content-end",
      "message-end",
    ]);
    expect(events.map((event) => JSON.parse(event.data).type)).toEqual(events.map((event) => event.event));
    const text = events
      .filter((event) => event.event === "content-delta")
      .map((event) => JSON.parse(event.data).delta.message.content.text)
      .join("");
    expect(text).toBe(MOCK_TEXT);
  });

  it("answers x-mock-fixture: tool-call with a tool plan and two parallel calls", async () => {
    const response = await post("/v2/chat", chat, { ...cohereAuth, "x-mock-fixture": "tool-call" });
    const body = await response.json();
    expect(body.finish_reason).toBe("TOOL_CALL");
    expect(body.message.tool_calls.map((call: { function: { name: string } }) => call.function.name)).toEqual(
      ["get_weather", "get_weather"],
    );
  });

  it("streams x-mock-fixture: tool-call as tool-call-start / -delta / -end per call", async () => {
    const response = await post(
      "/v2/chat",
      { ...chat, stream: true },
      { ...cohereAuth, "x-mock-fixture": "tool-call" },
    );
    const types = (await sseEvents(response)).map((event) => event.event);
    expect(types.filter((type) => type === "tool-call-start")).toHaveLength(2);
    expect(types.at(-1)).toBe("message-end");
  });

  it("answers x-mock-status with Cohere's {message} error body", async () => {
    const response = await post("/v2/chat", chat, { ...cohereAuth, "x-mock-status": "429" });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ message: expect.stringContaining("per minute request limit") });
  });
});

describe("Azure OpenAI mock", () => {
  const path = "/openai/deployments/gpt-4o-mini/chat/completions";

  it("answers a deployment's chat completion keyed by api-key", async () => {
    const response = await post(
      `${path}?api-version=2024-10-21`,
      { messages: [{ role: "user", content: "hi" }] },
      { "api-key": "az-key" },
    );
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe(MOCK_TEXT);
  });

  it("refuses a request without api-version (404) or without api-key (401)", async () => {
    expect((await post(path, {}, { "api-key": "az-key" })).status).toBe(404);
    expect((await post(`${path}?api-version=2024-10-21`, {}, { authorization: "Bearer x" })).status).toBe(
      401,
    );
  });
});
