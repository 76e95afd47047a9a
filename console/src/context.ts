import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ApiClient } from "./api-client.ts";

/** What every page needs: the API client of the signed-in token, and whether it may edit. */
export interface ConsoleSession {
  client: ApiClient;
  canEdit: boolean;
}

export const SessionContext = createContext<ConsoleSession | null>(null);

export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside the signed-in console");
  return session;
}
