import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ApiEnv } from "./env.ts";

/** How long a token read from Secrets Manager is kept before it is read again (so a rotation takes effect). */
const SECRET_CACHE_MS = 5 * 60 * 1000;

/**
 * The bootstrap admin token: AIG_API_TOKEN in clear (local runtime, tests), or the Secrets Manager secret
 * named by AIG_API_TOKEN_SECRET_ARN (on AWS), read once and kept for five minutes.
 */
export function adminTokenSource(
  env: Pick<ApiEnv, "AIG_API_TOKEN" | "AIG_API_TOKEN_SECRET_ARN">,
): () => Promise<string> {
  if (env.AIG_API_TOKEN) {
    const token = env.AIG_API_TOKEN;
    return async () => token;
  }
  const secretArn = env.AIG_API_TOKEN_SECRET_ARN;
  if (!secretArn) throw new Error("Invalid environment: set AIG_API_TOKEN or AIG_API_TOKEN_SECRET_ARN");
  const client = new SecretsManagerClient({});
  let cached: { value: Promise<string>; expiresAt: number } | undefined;
  return () => {
    if (!cached || cached.expiresAt < Date.now()) {
      const value = client.send(new GetSecretValueCommand({ SecretId: secretArn })).then((result) => {
        if (!result.SecretString) throw new Error("The admin token secret is empty");
        return result.SecretString;
      });
      value.catch(() => {
        cached = undefined;
      });
      cached = { value, expiresAt: Date.now() + SECRET_CACHE_MS };
    }
    return cached.value;
  };
}
