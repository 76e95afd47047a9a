import { KMSClient } from "@aws-sdk/client-kms";
import { KmsSecretBox } from "../security/kms-secret-box.ts";
import { LocalSecretBox } from "../security/local-secret-box.ts";
import type { SecretBox } from "../security/secret-box.ts";

/**
 * The envelope encryption of stored provider keys for this deployment: the stack's KMS key on AWS
 * (PROVIDER_KEYS_KMS_KEY_ID), a local master key file under `npm start` (PROVIDER_KEYS_MASTER_KEY_FILE),
 * or none, in which case stored keys are unavailable.
 */
export function secretBoxFromEnv(env: {
  PROVIDER_KEYS_KMS_KEY_ID?: string | undefined;
  PROVIDER_KEYS_MASTER_KEY_FILE?: string | undefined;
}): SecretBox | null {
  if (env.PROVIDER_KEYS_KMS_KEY_ID) return new KmsSecretBox(new KMSClient({}), env.PROVIDER_KEYS_KMS_KEY_ID);
  if (env.PROVIDER_KEYS_MASTER_KEY_FILE) return new LocalSecretBox(env.PROVIDER_KEYS_MASTER_KEY_FILE);
  return null;
}
