import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { gcmDecrypt, gcmEncrypt, openWithDataKey, sealWithDataKey } from "./aes-gcm.ts";
import { canonicalContext, type SealedSecret, type SecretBox } from "./secret-box.ts";

const MASTER_KEY_BYTES = 32;
const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Envelope encryption for `npm start`, where there is no KMS: the master key is 32 random bytes in a
 * file (PROVIDER_KEYS_MASTER_KEY_FILE, `.data/master-key` by default), created with mode 0600 when
 * missing. A file that group or others can read is refused rather than used: a readable master key
 * would make every stored provider key readable too. Each secret's data key is wrapped with
 * AES-256-GCM under the master key, with the same context as AAD.
 *
 * The file is read on first use, not at construction, so a misconfigured key file fails the provider-key
 * requests (with the reason in the log) instead of every management request.
 */
export class LocalSecretBox implements SecretBox {
  private masterKey: Promise<{ key: Buffer; keyId: string }> | undefined;

  constructor(private readonly masterKeyFile: string) {}

  async seal(plaintext: string, context: Record<string, string>): Promise<SealedSecret> {
    const { key, keyId } = await this.loadMasterKey();
    const aad = canonicalContext(context);
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const wrapped = gcmEncrypt(key, dataKey, aad);
      return {
        key_id: keyId,
        encrypted_data_key: Buffer.concat([wrapped.iv, wrapped.ciphertext, wrapped.authTag]).toString(
          "base64",
        ),
        ...sealWithDataKey(dataKey, plaintext, aad),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  async open(sealed: SealedSecret, context: Record<string, string>): Promise<string> {
    const { key, keyId } = await this.loadMasterKey();
    if (sealed.key_id !== keyId) {
      throw new Error(`Secret was sealed with master key ${sealed.key_id}, not the configured ${keyId}`);
    }
    const aad = canonicalContext(context);
    const wrapped = Buffer.from(sealed.encrypted_data_key, "base64");
    if (wrapped.byteLength !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES)
      throw new Error("Sealed secret is malformed");
    const dataKey = gcmDecrypt(
      key,
      {
        iv: wrapped.subarray(0, IV_BYTES),
        ciphertext: wrapped.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES),
        authTag: wrapped.subarray(IV_BYTES + DATA_KEY_BYTES),
      },
      aad,
    );
    try {
      return openWithDataKey(dataKey, sealed, aad);
    } finally {
      dataKey.fill(0);
    }
  }

  private loadMasterKey(): Promise<{ key: Buffer; keyId: string }> {
    if (!this.masterKey) {
      this.masterKey = readOrCreateMasterKey(this.masterKeyFile);
      // A failed load (a file with a bad mode, say) is retried on the next use, after it is fixed.
      this.masterKey.catch(() => {
        this.masterKey = undefined;
      });
    }
    return this.masterKey;
  }
}

async function readOrCreateMasterKey(file: string): Promise<{ key: Buffer; keyId: string }> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    // "wx": never overwrite a key that already exists (two processes starting at once keep one key).
    await writeFile(file, randomBytes(MASTER_KEY_BYTES), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `Master key file ${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}): run chmod 600 on it`,
    );
  }
  const key = await readFile(file);
  if (key.byteLength !== MASTER_KEY_BYTES) {
    throw new Error(
      `Master key file ${file} must hold exactly ${MASTER_KEY_BYTES} bytes, it has ${key.byteLength}`,
    );
  }
  const fingerprint = createHash("sha256").update(key).digest("hex").slice(0, 16);
  return { key, keyId: `local:${fingerprint}` };
}
