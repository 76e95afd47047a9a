import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KmsSecretBox } from "../../../../shared/security/kms-secret-box.ts";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

interface KmsCall {
  target: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/**
 * A stand-in for AWS KMS on loopback, speaking its JSON protocol (X-Amz-Target TrentService.*) for
 * GenerateDataKey and Decrypt. There is no KMS emulator to run, so this mocks AWS, never our own code:
 * the real KMSClient builds and signs the requests. Its "ciphertext blob" is the data key and the
 * encryption context sealed under a key only this fake knows, so Decrypt checks the context as KMS does.
 */
function startFakeKms(): Promise<{ server: Server; url: string; calls: KmsCall[] }> {
  const wrappingKey = randomBytes(32);
  const calls: KmsCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>;
      const target = String(req.headers["x-amz-target"]);
      calls.push({
        target,
        contentType: req.headers["content-type"],
        authorization: req.headers.authorization,
        body,
      });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(payload));
      };
      if (target === "TrentService.GenerateDataKey") {
        const dataKey = randomBytes(32);
        const iv = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", wrappingKey, iv);
        const sealed = Buffer.concat([
          cipher.update(JSON.stringify({ key: dataKey.toString("base64"), context: body.EncryptionContext })),
          cipher.final(),
        ]);
        const blob = Buffer.concat([iv, cipher.getAuthTag(), sealed]);
        reply(200, {
          KeyId: KEY_ARN,
          Plaintext: dataKey.toString("base64"),
          CiphertextBlob: blob.toString("base64"),
        });
        return;
      }
      if (target === "TrentService.Decrypt") {
        const blob = Buffer.from(String(body.CiphertextBlob), "base64");
        try {
          const decipher = createDecipheriv("aes-256-gcm", wrappingKey, blob.subarray(0, 12));
          decipher.setAuthTag(blob.subarray(12, 28));
          const opened = JSON.parse(
            Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString(),
          );
          if (JSON.stringify(opened.context) !== JSON.stringify(body.EncryptionContext))
            throw new Error("context");
          reply(200, { KeyId: KEY_ARN, Plaintext: opened.key, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
        } catch {
          reply(400, { __type: "InvalidCiphertextException", message: "" });
        }
        return;
      }
      reply(400, { __type: "UnsupportedOperationException", message: target });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls }),
    ),
  );
}

const context = { account: "acct", gateway: "default", provider: "anthropic", alias: "default" };

describe("KmsSecretBox", () => {
  let kms: Awaited<ReturnType<typeof startFakeKms>>;
  let client: KMSClient;
  let box: KmsSecretBox;

  beforeAll(async () => {
    kms = await startFakeKms();
    client = new KMSClient({
      endpoint: kms.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    box = new KmsSecretBox(client, "alias/ai-gateway-provider-keys");
  });

  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => kms.server.close(resolve));
  });

  it("asks KMS for an AES-256 data key bound to the context, and stores only the encrypted one", async () => {
    kms.calls.length = 0;
    const sealed = await box.seal("sk-ant-secret-value", context);
    expect(kms.calls).toHaveLength(1);
    expect(kms.calls[0]).toMatchObject({
      target: "TrentService.GenerateDataKey",
      contentType: "application/x-amz-json-1.1",
      body: { KeyId: "alias/ai-gateway-provider-keys", KeySpec: "AES_256", EncryptionContext: context },
    });
    expect(kms.calls[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/kms\/aws4_request/,
    );
    expect(sealed.key_id).toBe(KEY_ARN);
    expect(JSON.stringify(sealed)).not.toContain("sk-ant-secret-value");
  });

  it("opens by asking KMS to decrypt the data key with the same context and the key that sealed it", async () => {
    const sealed = await box.seal("sk-ant-secret-value", context);
    kms.calls.length = 0;
    expect(await box.open(sealed, context)).toBe("sk-ant-secret-value");
    expect(kms.calls).toHaveLength(1);
    expect(kms.calls[0]).toMatchObject({
      target: "TrentService.Decrypt",
      body: { CiphertextBlob: sealed.encrypted_data_key, EncryptionContext: context, KeyId: KEY_ARN },
    });
  });

  it("fails to open under another context: KMS refuses the data key", async () => {
    const sealed = await box.seal("sk-ant-secret-value", context);
    await expect(box.open(sealed, { ...context, gateway: "other" })).rejects.toThrow();
  });

  it("fails to open a tampered ciphertext", async () => {
    const sealed = await box.seal("sk-ant-secret-value", context);
    const bytes = Buffer.from(sealed.ciphertext, "base64");
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await expect(box.open({ ...sealed, ciphertext: bytes.toString("base64") }, context)).rejects.toThrow();
  });
});
