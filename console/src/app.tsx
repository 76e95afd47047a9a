import { useState } from "preact/hooks";
import { ApiClient } from "./api-client.ts";
import { type ConsoleSession, SessionContext } from "./context.ts";
import { accountId, forgetToken, storedToken, storeToken } from "./session.ts";
import { Shell } from "./shell.tsx";
import { SignIn } from "./sign-in.tsx";
import { tokenCanEdit } from "./token-scopes.ts";

/** Signed out: the sign-in form. Signed in: the console, with the token's client and scope. */
export function App() {
  const [session, setSession] = useState<ConsoleSession | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);

  const signIn = async (token: string): Promise<void> => {
    const client = new ApiClient(token, accountId());
    // Any read proves the token; its scope decides which controls are shown.
    await client.get("/gateways", { per_page: 1 });
    const canEdit = await tokenCanEdit(client, token);
    storeToken(token);
    setSession({ client, canEdit });
  };

  if (restoring) {
    const token = storedToken();
    if (token) {
      signIn(token)
        .catch(() => forgetToken())
        .finally(() => setRestoring(false));
    }
    return <p class="loading">Loading…</p>;
  }
  if (!session) return <SignIn signIn={signIn} />;
  const signOut = () => {
    forgetToken();
    setSession(null);
  };
  return (
    <SessionContext.Provider value={session}>
      <Shell signOut={signOut} />
    </SessionContext.Provider>
  );
}
