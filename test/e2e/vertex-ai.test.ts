import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, type RecordedRequest } from "../mock-upstream/server.ts";
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

  it("passes a plain gcloud access token through unchanged", async () => {
    const before = tokenMints();
    const { response, sent } = await native({ authorization: "Bearer ya29.caller-gcloud-token" });
    expect(sent.headers.authorization).toBe("Bearer ya29.caller-gcloud-token");
    expect(response.status).toBe(401); // the mock knows only the tokens it minted
    expect(tokenMints()).toBe(before);
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
