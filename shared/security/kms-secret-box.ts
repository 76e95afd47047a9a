import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { openWithDataKey, sealWithDataKey } from "./aes-gcm.ts";
import { canonicalContext, type SealedSecret, type SecretBox } from "./secret-box.ts";

/**
 * Envelope encryption with AWS KMS: KMS generates a data key per secret (GenerateDataKey, AES_256) and
 * returns it twice, in clear to encrypt with here and encrypted under the KMS key to store. Opening asks
 * KMS to decrypt the stored data key. The context is the KMS EncryptionContext, so it is also checked by
 * KMS, appears in CloudTrail, and can be required by the key policy; and it is the GCM AAD here.
 * The plaintext data key is zeroed after use; it is never stored.
 */
export class KmsSecretBox implements SecretBox {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async seal(plaintext: string, context: Record<string, string>): Promise<SealedSecret> {
    const generated = await this.kms.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: "AES_256", EncryptionContext: context }),
    );
    if (!generated.Plaintext || !generated.CiphertextBlob) {
      throw new Error("KMS GenerateDataKey returned no data key");
    }
    const dataKey = Buffer.from(generated.Plaintext);
    try {
      return {
        key_id: generated.KeyId ?? this.keyId,
        encrypted_data_key: Buffer.from(generated.CiphertextBlob).toString("base64"),
        ...sealWithDataKey(dataKey, plaintext, canonicalContext(context)),
      };
    } finally {
      dataKey.fill(0);
      generated.Plaintext.fill(0);
    }
  }

  async open(sealed: SealedSecret, context: Record<string, string>): Promise<string> {
    const decrypted = await this.kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(sealed.encrypted_data_key, "base64"),
        EncryptionContext: context,
        // Pinning the key makes KMS refuse a blob that some other key produced.
        KeyId: sealed.key_id,
      }),
    );
    if (!decrypted.Plaintext) throw new Error("KMS Decrypt returned no data key");
    const dataKey = Buffer.from(decrypted.Plaintext);
    try {
      return openWithDataKey(dataKey, sealed, canonicalContext(context));
    } finally {
      dataKey.fill(0);
      decrypted.Plaintext.fill(0);
    }
  }
}
