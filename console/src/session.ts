/**
 * The signed-in token lives in sessionStorage only: it goes with the tab, never into a URL, the DOM or a
 * log, and every API call reads it from here.
 */
const TOKEN_KEY = "aig-console-token";

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The account this deployment serves, which the page carries (shared/console/serve-console.ts). */
export function accountId(): string {
  return document.querySelector('meta[name="gateway-account"]')?.getAttribute("content") ?? "local";
}
