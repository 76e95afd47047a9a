import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalSecretBox } from "../../../../shared/security/local-secret-box.ts";

const context = { account: "acct", gateway: "default", provider: "openai", alias: "default" };

function freshKeyFile(): string {
  return join(mkdtempSync(join(tmpdir(), "secret-box-")), "keys", "master-key");
}

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString("base64");
}

describe("LocalSecretBox", () => {
  it("opens what it sealed", async () => {
    const box = new LocalSecretBox(freshKeyFile());
    const sealed = await box.seal("sk-live-secret-value", context);
    expect(await box.open(sealed, context)).toBe("sk-live-secret-value");
  });

  it("never stores the plaintext, and seals the same secret differently each time", async () => {
    const box = new LocalSecretBox(freshKeyFile());
    const first = await box.seal("sk-live-secret-value", context);
    const second = await box.seal("sk-live-secret-value", context);
    expect(JSON.stringify(first)).not.toContain("sk-live-secret-value");
    expect(Buffer.from(first.ciphertext, "base64").toString()).not.toContain("sk-live");
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(first.encrypted_data_key).not.toBe(second.encrypted_data_key);
  });

  it("reads the context independently of key order", async () => {
    const box = new LocalSecretBox(freshKeyFile());
    const sealed = await box.seal("secret", context);
    const reordered = { alias: "default", provider: "openai", gateway: "default", account: "acct" };
    expect(await box.open(sealed, reordered)).toBe("secret");
  });

  it("refuses to open a secret whose ciphertext was changed by one bit", async () => {
    const box = new LocalSecretBox(freshKeyFile());
    const sealed = await box.seal("sk-live-secret-value", context);
    await expect(
      box.open({ ...sealed, ciphertext: flipFirstByte(sealed.ciphertext) }, context),
    ).rejects.toThrow();
  });

  it("refuses a tampered tag, nonce or wrapped data key", async () => {
    const box = new LocalSecretBox(freshKeyFile());
    const sealed = await box.seal("sk-live-secret-value", context);
    await expect(
      box.open({ ...sealed, auth_tag: flipFirstByte(sealed.auth_tag) }, context),
    ).rejects.toThrow();
    await expect(box.open({ ...sealed, iv: flipFirstByte(sealed.iv) }, context)).rejects.toThrow();
    await expect(
      box.open({ ...sealed, encrypted_data_key: flipFirstByte(sealed.encrypted_data_key) }, context),
    ).rejects.toThrow();
  });

  it("refuses to open a secret under another context (a row copied elsewhere)", async () => {
    const box = new LocalSecretBox(freshKeyFile());
    const sealed = await box.seal("sk-live-secret-value", context);
    await expect(box.open(sealed, { ...context, gateway: "other" })).rejects.toThrow();
    await expect(box.open(sealed, { ...context, alias: "team-b" })).rejects.toThrow();
  });

  it("refuses a secret sealed under another master key, naming both keys", async () => {
    const sealed = await new LocalSecretBox(freshKeyFile()).seal("secret", context);
    await expect(new LocalSecretBox(freshKeyFile()).open(sealed, context)).rejects.toThrow(
      /sealed with master key local:/,
    );
  });

  it("creates a missing master key file with mode 0600 holding 32 random bytes", async () => {
    const file = freshKeyFile();
    await new LocalSecretBox(file).seal("secret", context);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).byteLength).toBe(32);
  });

  it("keeps using an existing master key file across instances", async () => {
    const file = freshKeyFile();
    const sealed = await new LocalSecretBox(file).seal("secret", context);
    expect(await new LocalSecretBox(file).open(sealed, context)).toBe("secret");
  });

  it("refuses a master key file that group or others can read", async () => {
    const file = freshKeyFile();
    await new LocalSecretBox(file).seal("secret", context);
    chmodSync(file, 0o644);
    await expect(new LocalSecretBox(file).seal("secret", context)).rejects.toThrow(
      /readable by group or others.*chmod 600/,
    );
  });

  it("refuses a master key file of the wrong size", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "secret-box-")), "master-key");
    writeFileSync(file, "too short", { mode: 0o600 });
    await expect(new LocalSecretBox(file).seal("secret", context)).rejects.toThrow(/exactly 32 bytes/);
  });
});
