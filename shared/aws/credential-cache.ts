import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/** Credentials are refreshed this long before they expire, as the SDK does, so a request never signs with stale ones. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/**
 * Keeps the identity a credential provider returned (the Lambda role's, from the environment; an SSO or
 * profile one locally) until shortly before its `expiration`, then asks again. Calls that arrive while a
 * refresh is under way share it. If a refresh fails while the old identity is still valid, the old one is
 * used and the next call tries again.
 */
export class CredentialCache {
  private current: AwsCredentialIdentity | undefined;
  private refreshing: Promise<AwsCredentialIdentity> | undefined;

  constructor(
    private readonly provider: AwsCredentialIdentityProvider,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<AwsCredentialIdentity> {
    const current = this.current;
    if (current && !this.expiresSoon(current, REFRESH_BEFORE_EXPIRY_MS)) return Promise.resolve(current);
    if (this.refreshing) return this.refreshing;
    const refreshing = this.refresh(current);
    this.refreshing = refreshing;
    const settled = () => {
      if (this.refreshing === refreshing) this.refreshing = undefined;
    };
    refreshing.then(settled, settled);
    return refreshing;
  }

  private async refresh(previous: AwsCredentialIdentity | undefined): Promise<AwsCredentialIdentity> {
    try {
      this.current = await this.provider();
      return this.current;
    } catch (error) {
      if (previous && !this.expiresSoon(previous, 0)) return previous;
      throw error;
    }
  }

  private expiresSoon(identity: AwsCredentialIdentity, marginMs: number): boolean {
    return identity.expiration !== undefined && identity.expiration.getTime() - marginMs <= this.now();
  }
}
