import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAwsRequest } from "../../shared/providers/aws-sigv4.ts";
import { decodeEventStream, MOCK_AWS_ACCESS_KEYS, type MockUpstream, startMockUpstream } from "./server.ts";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

const [storedKey] = MOCK_AWS_ACCESS_KEYS;
const path = `/model/${encodeURIComponent("us.anthropic.claude-haiku-4-5-20251001-v1:0")}/converse`;
const body = JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hi" }] }] });

/** A Converse request signed by the gateway's own signer with `credentials`, then optionally tampered. */
async function signedCall(
  options: {
    credentials?: { accessKeyId: string; secretAccessKey: string };
    sendBody?: string;
    route?: string;
    headers?: Record<string, string>;
    service?: string;
  } = {},
): Promise<Response> {
  const url = `${mock.url}${options.route ?? path}`;
  const headers = new Headers({ "content-type": "application/json", ...options.headers });
  await signAwsRequest(url, "POST", headers, new TextEncoder().encode(body), {
    service: options.service ?? "bedrock",
    region: "us-east-1",
    credentials: options.credentials ?? storedKey,
  });
  return fetch(url, { method: "POST", headers, body: options.sendBody ?? body });
}

async function expectInvalidSignature(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException:/);
  expect(((await response.json()) as { message: string }).message).toContain(
    "The request signature we calculated does not match",
  );
}

describe("Bedrock mock: SigV4 verification", () => {
  it("answers a request whose signature it recomputes from the request and the key's secret", async () => {
    const response = await signedCall();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { stopReason: string }).stopReason).toBe("end_turn");
  });

  it("verifies signatures made with the process's own credentials (the role of the local runtime)", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = "AKIAROLEUNDERTEST";
    process.env.AWS_SECRET_ACCESS_KEY = "role-secret";
    try {
      expect(
        (
          await signedCall({
            credentials: { accessKeyId: "AKIAROLEUNDERTEST", secretAccessKey: "role-secret" },
          })
        ).status,
      ).toBe(200);
      await expectInvalidSignature(
        await signedCall({ credentials: { accessKeyId: "AKIAROLEUNDERTEST", secretAccessKey: "wrong" } }),
      );
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it("refuses a body changed after signing with a 403 InvalidSignatureException, as AWS does", async () => {
    await expectInvalidSignature(await signedCall({ sendBody: body.replace("Hi", "Hello") }));
  });

  it("refuses a signature made with the wrong secret", async () => {
    await expectInvalidSignature(
      await signedCall({
        credentials: { accessKeyId: storedKey.accessKeyId, secretAccessKey: "not-the-secret" },
      }),
    );
  });

  it("refuses a signed header changed after signing (the model path is signed too)", async () => {
    const url = `${mock.url}${path}`;
    const headers = new Headers({ "content-type": "application/json" });
    await signAwsRequest(url, "POST", headers, new TextEncoder().encode(body), {
      service: "bedrock",
      region: "us-east-1",
      credentials: storedKey,
    });
    const otherModel = `${mock.url}/model/${encodeURIComponent("amazon.nova-lite-v1:0")}/converse`;
    await expectInvalidSignature(await fetch(otherModel, { method: "POST", headers, body }));
  });

  it("refuses a signature scoped to another service", async () => {
    const response = await signedCall({ service: "s3" });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException:/);
    expect(((await response.json()) as { message: string }).message).toContain("'bedrock'");
  });

  it("lets through a key it does not know (a client that signed a passthrough call itself)", async () => {
    const response = await signedCall({ credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" } });
    expect(response.status).toBe(200);
  });
});

describe("Bedrock mock: ConverseStream event-stream framing", () => {
  it("sends the tool-call fixture as application/vnd.amazon.eventstream frames with Bedrock's headers", async () => {
    const response = await signedCall({
      route: path.replace(/converse$/, "converse-stream"),
      headers: { "x-mock-fixture": "tool-call" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const events = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
    expect(events.map((event) => event.eventType)).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockStop",
      "contentBlockStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockStop",
      "contentBlockStart",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    for (const event of events) {
      expect(event.headers).toMatchObject({ ":content-type": "application/json", ":message-type": "event" });
      expect((event.payload as { p?: string }).p).toMatch(/^[a-zA-Z]+$/);
    }
    expect(events[4]?.payload).toMatchObject({
      contentBlockIndex: 1,
      start: { toolUse: { toolUseId: "tooluse_Paris01", name: "get_weather" } },
    });
  });
});
