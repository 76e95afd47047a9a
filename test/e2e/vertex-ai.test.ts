import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_USAGE, type RecordedRequest } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let serviceAccount = "";
/** Every line the process wrote, and every body the gateway answered, while the tests ran. */
const outputLines: string[] = [];
const answered: string[] = [];
const restoreOutput: (() => void)[] = [];

function captureOutput(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    outputLines.push(String(chunk));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restoreOutput.push(() => {
    stream.write = original;
  });
}

beforeAll(async () => {
  t = await startTestGateway();
  serviceAccount = t.mock.google.serviceAccountJson("europe-west4");
  captureOutput(process.stdout);
  captureOutput(process.stderr);
});

afterAll(async () => {
  for (const restore of restoreOutput) restore();
  await t.stop();
});

const vertexPath = (model: string, method = "generateContent") =>
  `/v1/projects/mock-project-123/locations/europe-west4/publishers/google/models/${model}:${method}`;
const geminiBody = { contents: [{ role: "user", parts: [{ text: "Hi" }] }] };
const tokenMints = () => t.mock.requests.filter((request) => request.path === "/token").length;

async function native(headers: Record<string, string>, path = vertexPath("gemini-2.5-flash")) {
  const response = await fetch(`${t.providerUrl("google-vertex-ai")}${path}`, {
    method: "POST",
    headers: { ...t.gatewayAuth, "content-type": "application/json", ...headers },
    body: JSON.stringify(geminiBody),
  });
  const text = await response.text();
  answered.push(text, JSON.stringify([...response.headers]));
  const sent = t.mock.requests.at(-1) as RecordedRequest;
  return { response, text, sent };
}

describe("Vertex AI service-account keys", () => {
  it("refuses a stored key that is not a service account JSON, naming what is missing", async () => {
    const { status, body } = await t.managementSend("POST", "/gateways/default/provider_configs", {
      provider_slug: "google-vertex-ai",
      secret: JSON.stringify({ type: "service_account", project_id: "mock-project-123" }),
    });
    expect(status).toBe(400);
    const message = body.errors.map((error) => error.message).join("\n");
    expect(message).toContain("client_email");
    expect(message).toContain("private_key");
    const notJson = await t.managementSend("POST", "/gateways/default/provider_configs", {
      provider_slug: "google-vertex-ai",
      secret: "ya29.not-a-service-account",
    });
    expect(notJson.status).toBe(400);
    expect(JSON.stringify(notJson.body)).toContain("not JSON");
  });

  it("stores a service account and never returns it: the preview is its e-mail", async () => {
    const { status, body } = await t.managementSend("POST", "/gateways/default/provider_configs", {
      provider_slug: "google-vertex-ai",
      secret: serviceAccount,
    });
    expect(status).toBe(200);
    const text = JSON.stringify(body);
    answered.push(text);
    expect(text).not.toContain("PRIVATE KEY");
    expect((body.result as { secret_preview: string }).secret_preview).toBe("gate....com");
  });

  it("calls Vertex provider-native with a token minted once for two calls", async () => {
    const before = tokenMints();
    const first = await native({});
    const second = await native({});
    expect(first.response.status).toBe(200);
    expect(second.response.status).toBe(200);
    expect(JSON.parse(first.text).candidates[0].content.parts[0].text).toBe(MOCK_TEXT);
    expect(tokenMints()).toBe(before + 1);
    const token = t.mock.google.issuedTokens.at(-1) ?? "";
    expect(first.sent.headers.authorization).toBe(`Bearer ${token}`);
    expect(second.sent.headers.authorization).toBe(`Bearer ${token}`);
    expect(first.sent.path).toBe(vertexPath("gemini-2.5-flash"));
    const log = await t.waitForLog(first.response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ provider: "google-vertex-ai", success: true });
    answered.push(JSON.stringify(log));
  });

  it("exchanges a caller's base64 service account JSON, and streams", async () => {
    const base64 = Buffer.from(serviceAccount).toString("base64");
    const { response, text, sent } = await native(
      { authorization: `Bearer ${base64}` },
      `${vertexPath("gemini-2.5-flash", "streamGenerateContent")}?alt=sse`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(text).toContain('"text":"Hello"');
    expect(t.mock.google.issuedTokens).toContain(sent.headers.authorization?.replace("Bearer ", ""));
  });

  it("answers 400 in Google's shape for a caller's service account JSON missing fields, sending nothing", async () => {
    const partial = Buffer.from(JSON.stringify({ type: "service_account", client_email: "a@b.example" }));
    const before = t.mock.requests.length;
    const { response, text } = await native({ authorization: `Bearer ${partial.toString("base64")}` });
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    expect(text).toContain("private_key");
    expect(t.mock.requests.length).toBe(before);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({ success: false, status_code: 400 });
  });

  it("passes a plain gcloud access token through unchanged", async () => {
    const before = tokenMints();
    const { response, sent } = await native({ authorization: "Bearer ya29.caller-gcloud-token" });
    expect(sent.headers.authorization).toBe("Bearer ya29.caller-gcloud-token");
    expect(response.status).toBe(401); // the mock knows only the tokens it minted
    expect(tokenMints()).toBe(before);
  });
});

const compat = (apiKey: string) => t.compatClient(apiKey);
const rest = (token: string) => t.restClient(token);

const vertexModelPath = (model: string, method: string) =>
  `/v1/projects/mock-project-123/locations/europe-west4/publishers/google/models/${model}:${method}`;
const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "user", content: "Hi" }];

describe("unified API: google-vertex-ai/google/{model}", () => {
  it("compat with the caller's base64 service account, plain", async () => {
    const base64 = Buffer.from(serviceAccount).toString("base64");
    const { data, response } = await compat(base64)
      .chat.completions.create({ model: "google-vertex-ai/google/gemini-2.5-flash", messages })
      .withResponse();
    answered.push(JSON.stringify(data), JSON.stringify([...response.headers]));
    expect(data.choices[0]?.message.content).toBe(MOCK_TEXT);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe(vertexModelPath("gemini-2.5-flash", "generateContent"));
    expect(t.mock.google.issuedTokens).toContain(sent?.headers.authorization?.replace("Bearer ", ""));
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    answered.push(JSON.stringify(log));
    expect(log).toMatchObject({ provider: "google-vertex-ai", success: true });
    expect(log.tokens_out).toBe(MOCK_USAGE["google-ai-studio"].output);
  });

  it("compat with the stored key (the SDK's own key is not a service account), streamed", async () => {
    const stream = await compat("sk-not-a-service-account").chat.completions.create({
      model: "google-vertex-ai/google/gemini-2.5-flash",
      messages,
      stream: true,
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      chunks++;
    }
    expect(text).toBe(MOCK_TEXT);
    expect(chunks).toBeGreaterThan(2);
    const sent = t.mock.requests.at(-1);
    expect(sent?.path).toBe(vertexModelPath("gemini-2.5-flash", "streamGenerateContent"));
    expect(sent?.query).toBe("alt=sse");
    expect(t.mock.google.issuedTokens).toContain(sent?.headers.authorization?.replace("Bearer ", ""));
  });

  it("REST with a run token uses the stored key, plain and streamed", async () => {
    const runToken = await t.createRunToken("vertex-runner");
    const plain = await rest(runToken).chat.completions.create({
      model: "google-vertex-ai/google/gemini-2.5-flash",
      messages,
    });
    expect(plain.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(t.mock.requests.at(-1)?.path).toBe(vertexModelPath("gemini-2.5-flash", "generateContent"));
    const stream = await rest(runToken).chat.completions.create({
      model: "google-vertex-ai/google/gemini-2.5-flash",
      messages,
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(MOCK_TEXT);
    expect(t.mock.google.issuedTokens).toContain(
      t.mock.requests.at(-1)?.headers.authorization?.replace("Bearer ", ""),
    );
  });

  it("bridges the Responses API, streamed, with Gemini's usage in the answer and the log", async () => {
    const stream = await compat("sk-not-a-service-account").responses.create({
      model: "google-vertex-ai/google/gemini-2.5-flash",
      input: "Hi",
      stream: true,
    });
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe(MOCK_TEXT);
    expect(completed?.usage).toMatchObject({
      input_tokens: MOCK_USAGE["google-ai-studio"].input,
      output_tokens: MOCK_USAGE["google-ai-studio"].output,
    });
    expect(t.mock.requests.at(-1)?.path).toBe(vertexModelPath("gemini-2.5-flash", "streamGenerateContent"));
  });

  it("refuses other publishers with a 400 in OpenAI's shape", async () => {
    const error = await compat("sk-x")
      .chat.completions.create({ model: "google-vertex-ai/anthropic/claude-sonnet-4", messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(
      "google-vertex-ai/google/{gemini model}",
    );
  });

  it("refuses a tool schema Gemini cannot take with a 400 naming google-vertex-ai, sending nothing", async () => {
    const sentBefore = t.mock.requests.length;
    const error = await compat("sk-x")
      .chat.completions.create({
        model: "google-vertex-ai/google/gemini-2.5-flash",
        messages,
        tools: [
          {
            type: "function",
            function: {
              name: "lookup",
              parameters: { type: "object", additionalProperties: { type: "string" } },
            },
          },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const message = (error as InstanceType<typeof OpenAI.BadRequestError>).message;
    expect(message).toContain("which provider google-vertex-ai does not support");
    expect(message).not.toContain("google-ai-studio");
    expect(t.mock.requests.length).toBe(sentBefore);
  });
});

describe("unified API without a service account", () => {
  it("answers 401 naming the ways to give one, on a gateway without authentication", async () => {
    const created = await t.managementSend("POST", "/gateways", {
      id: "open-vertex",
      cache_invalidate_on_update: false,
      cache_ttl: 0,
      collect_logs: true,
      rate_limiting_interval: 0,
      rate_limiting_limit: 0,
      rate_limiting_technique: "fixed",
      authentication: false,
    });
    expect(created.status).toBe(200);
    const error = await new OpenAI({
      apiKey: "sk-not-a-service-account",
      baseURL: `${t.gateway.url}/v1/${t.gateway.accountId}/open-vertex/compat`,
      maxRetries: 0,
    }).chat.completions
      .create({ model: "google-vertex-ai/google/gemini-2.5-flash", messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toContain("base64 of the service account JSON");
  });
});

describe("secrets", () => {
  it("never logs or returns the service account, its private key or an access token", async () => {
    // Let queued log lines land before reading the output.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const keyBody = (JSON.parse(serviceAccount) as { private_key: string }).private_key
      .split("\n")
      .filter((line) => line.length > 40);
    const secrets = [
      ...keyBody,
      Buffer.from(serviceAccount).toString("base64").slice(0, 200),
      ...t.mock.google.issuedTokens,
    ];
    expect(secrets.length).toBeGreaterThan(3);
    const everything = [...outputLines, ...answered].join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
