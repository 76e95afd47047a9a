import { RemovalPolicy, Stack } from "aws-cdk-lib";
import { Grant, type IGrantable } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

/** What sealing a provider key takes: a fresh data key (GenerateDataKey), and Decrypt to read it back. */
export const SEAL_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;
/** What using a stored provider key takes: decrypting its data key, nothing else. */
export const OPEN_ACTIONS = ["kms:Decrypt"] as const;

/**
 * The master key of the stored provider keys (BYOK). Envelope encryption: shared/security/kms-secret-box.ts
 * asks KMS for one AES-256 data key per secret and stores it only encrypted under this key, so a copy of
 * the config table is useless without kms:Decrypt here.
 *
 * - Customer managed, so its key policy, grants and CloudTrail record belong to the deployer; yearly
 *   automatic rotation (KMS keeps the old key material, so existing data keys still decrypt).
 * - Retained when the stack is deleted, whatever the tables' removal policy: deleting it would make every
 *   stored provider key unrecoverable, in the retained table and in its point-in-time backups alike.
 *   A retained key costs $1 a month; schedule its deletion by hand once the data is gone.
 * - The alias is `alias/<stack name>/provider-keys`: readable in the console and CloudTrail, and unique per
 *   stack, so two gateways (staging, prod) in one account and region do not collide the way a fixed
 *   `alias/ai-gateway/provider-keys` would. The alias is deleted with the stack (the key is not), so a
 *   redeployed stack of the same name can take it again. The functions get the key ARN, never the alias.
 */
export class ProviderKeysKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, "Key", {
      description: `Envelope encryption of the provider keys stored by the AI gateway ${Stack.of(this).stackName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      alias: `alias/${Stack.of(this).stackName}/provider-keys`,
    });
  }

  /** Create (GenerateDataKey) and read back (Decrypt) the stored provider keys of `accountId`: the management API. */
  grantSeal(grantee: IGrantable, accountId: string): Grant {
    return this.grantForAccount(grantee, SEAL_ACTIONS, accountId);
  }

  /** Read the stored provider keys of `accountId` (Decrypt only): the proxy. */
  grantOpen(grantee: IGrantable, accountId: string): Grant {
    return this.grantForAccount(grantee, OPEN_ACTIONS, accountId);
  }

  /**
   * On the principal (the key policy trusts the account's IAM), and only for data keys whose encryption
   * context names the gateway's account: shared/store/provider-key-store.ts seals every provider key with
   * { account, gateway, provider, alias } and has since the first stored key, so every existing ciphertext
   * still opens. A data key made for anything else under this key (no context, another account's) does not.
   */
  private grantForAccount(grantee: IGrantable, actions: readonly string[], accountId: string): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { "kms:EncryptionContext:account": accountId } },
    });
  }
}
