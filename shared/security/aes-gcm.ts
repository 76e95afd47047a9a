import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** GCM's recommended nonce length; a fresh random nonce per encryption, never reused with a key. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface GcmCiphertext {
  iv: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

/** AES-256-GCM with a fresh random nonce. */
export function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): GcmCiphertext {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, authTag: cipher.getAuthTag() };
}

/** Throws when the key, nonce, tag, ciphertext or AAD differ from what was encrypted. */
export function gcmDecrypt(key: Buffer, sealed: GcmCiphertext, aad: Buffer): Buffer {
  if (sealed.iv.byteLength !== IV_BYTES || sealed.authTag.byteLength !== TAG_BYTES) {
    throw new Error("Sealed secret is malformed");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** A data key and the secret it protects, sealed together: the shared half of both secret boxes. */
export function sealWithDataKey(dataKey: Buffer, plaintext: string, aad: Buffer) {
  const { iv, ciphertext, authTag } = gcmEncrypt(dataKey, Buffer.from(plaintext, "utf8"), aad);
  return {
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    auth_tag: authTag.toString("base64"),
  };
}

export function openWithDataKey(
  dataKey: Buffer,
  sealed: { iv: string; ciphertext: string; auth_tag: string },
  aad: Buffer,
): string {
  return gcmDecrypt(
    dataKey,
    {
      iv: Buffer.from(sealed.iv, "base64"),
      ciphertext: Buffer.from(sealed.ciphertext, "base64"),
      authTag: Buffer.from(sealed.auth_tag, "base64"),
    },
    aad,
  ).toString("utf8");
}
