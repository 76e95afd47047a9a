/**
 * Envelope encryption for stored secrets (provider keys): each secret gets a fresh AES-256-GCM data key,
 * and only that data key is encrypted by the master key (a KMS key on AWS, a local key file under
 * `npm start`). The master key never touches a secret, and a stolen table dump is useless without it.
 *
 * `context` binds a sealed secret to where it belongs (account, gateway, provider, alias): it is the
 * GCM additional authenticated data and, on AWS, the KMS EncryptionContext. A sealed value copied to
 * another row fails to open.
 */
export interface SealedSecret {
  /** Which master key wrapped the data key (a KMS key ARN, or "local:" and a fingerprint of the key file). */
  key_id: string;
  /** The data key, encrypted by the master key (base64). */
  encrypted_data_key: string;
  /** The 96-bit GCM nonce used with the data key (base64). */
  iv: string;
  ciphertext: string;
  /** The 128-bit GCM tag (base64): any change to ciphertext, iv or context makes opening fail. */
  auth_tag: string;
}

export interface SecretBox {
  seal(plaintext: string, context: Record<string, string>): Promise<SealedSecret>;
  open(sealed: SealedSecret, context: Record<string, string>): Promise<string>;
}

/** The context as bytes, independent of key order: the same context always gives the same AAD. */
export function canonicalContext(context: Record<string, string>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((key) => [key, context[key]]);
  return Buffer.from(JSON.stringify(sorted), "utf8");
}
