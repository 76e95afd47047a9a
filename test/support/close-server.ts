import type { Server } from "node:http";

/** Closes a test's loopback server and every connection still open on it (keep-alive ones included). */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
