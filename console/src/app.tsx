import { useEffect, useState } from "preact/hooks";
import { ApiClient } from "./api-client.ts";
import { type ConsoleSession, SessionContext } from "./context.ts";
import { accountId, forgetToken, storedToken, storeToken } from "./session.ts";
import { Shell } from "./shell.tsx";
import { SignIn } from "./sign-in.tsx";
import { tokenCanEdit } from "./token-scopes.ts";

/** Checks a token with a read, and finds whether it may edit. */
async function openSession(token: string): Promise<ConsoleSession> {
  const client = new ApiClient(token, accountId());
  // Any read proves the token; its scope decides which controls are shown.
  await client.get("/gateways", { per_page: 1 });
  return { client, canEdit: await tokenCanEdit(client, token) };
}

/**
 * Signed out: the sign-in form. Signed in: the console, with the token's client and scope. A reload of
 * the tab signs in again with the token kept in sessionStorage, once, when the page opens.
 */
export function App() {
  const [session, setSession] = useState<ConsoleSession | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);

  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    openSession(token)
      .then(setSession)
      .catch(() => forgetToken())
      .finally(() => setRestoring(false));
  }, []);

  const signIn = async (token: string): Promise<void> => {
    const opened = await openSession(token);
    storeToken(token);
    setSession(opened);
  };

  if (restoring) return <p class="loading">Loading…</p>;
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
