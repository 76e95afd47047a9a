import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTlsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpFetch, type UpstreamRequestInit } from "../../../../shared/http/http-fetch.ts";
import { type ConnectionPin, pinnedLookup } from "../../../../shared/http/pinned-lookup.ts";
import { UpstreamGuard } from "../../../../shared/http/upstream-guard.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/tls/${name}`, import.meta.url), "utf8");
const certificate = fixture("provider-test.cert.pem");

const servers: (Server | HttpsServer)[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

interface Seen {
  host: string | undefined;
  servername: string | false | undefined;
}

/** A loopback server that records each request's Host header (and, over TLS, the SNI name). */
async function startServer(address: string, port = 0, tls = false) {
  const seen: Seen[] = [];
  let connections = 0;
  const handler = (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    seen.push({
      host: req.headers.host,
      servername: (req.socket as TLSSocket & { servername?: string | false }).servername,
    });
    res.end("ok");
  };
  const server = tls
    ? createTlsServer({ cert: certificate, key: fixture("provider-test.key.pem") }, handler)
    : createServer(handler);
  server.on(tls ? "secureConnection" : "connection", () => {
    connections += 1;
  });
  servers.push(server);
  server.listen(port, address);
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, seen, connections: () => connections };
}

function init(pin?: ConnectionPin): UpstreamRequestInit {
  return {
    method: "GET",
    headers: new Headers(),
    body: null,
    signal: new AbortController().signal,
    redirect: "manual",
    ...(pin ? { pin } : {}),
  };
}

function lookupWith(pin: ConnectionPin, hostname: string, options: { all?: boolean; family?: number }) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
    pinnedLookup(pin)(hostname, options, (error, address, family) => resolve({ error, address, family })),
  );
}

describe("pinnedLookup", () => {
  const pin = { hostname: "provider.test", addresses: ["2001:4860::8888", "8.8.8.8"] };

  it("answers with every pinned address when asked for all", async () => {
    expect((await lookupWith(pin, "provider.test", { all: true })).address).toEqual([
      { address: "2001:4860::8888", family: 6 },
      { address: "8.8.8.8", family: 4 },
    ]);
  });

  it("answers with the first pinned address of the family asked for", async () => {
    expect(await lookupWith(pin, "provider.test", {})).toMatchObject({
      address: "2001:4860::8888",
      family: 6,
    });
    expect(await lookupWith(pin, "provider.test", { family: 4 })).toMatchObject({
      address: "8.8.8.8",
      family: 4,
    });
  });

  it("refuses another host name rather than resolving it", async () => {
    expect((await lookupWith(pin, "elsewhere.test", {})).error).toMatchObject({ code: "ENOTFOUND" });
  });

  it("fails with the resolver's error when the name did not resolve", async () => {
    const failure = Object.assign(new Error("queryA EAI_AGAIN provider.test"), { code: "EAI_AGAIN" });
    const failed = { hostname: "provider.test", addresses: [], failure };
    expect((await lookupWith(failed, "provider.test", {})).error).toBe(failure);
  });
});

describe("createHttpFetch with a pin", () => {
  it("connects to the pinned address and sends the name as the Host header", async () => {
    const server = await startServer("127.0.0.1");
    const pin = { hostname: "provider.test", addresses: ["127.0.0.1"] };
    const response = await createHttpFetch()(`http://provider.test:${server.port}/v1`, init(pin));
    expect(await response.text()).toBe("ok");
    expect(server.seen).toEqual([{ host: `provider.test:${server.port}`, servername: undefined }]);
  });

  it("keeps pinned calls off the connections an unpinned call opened to the same host", async () => {
    const server = await startServer("127.0.0.1");
    const fetch = createHttpFetch();
    const url = `http://127.0.0.1:${server.port}/`;
    await (await fetch(url, init())).text();
    await (await fetch(url, init({ hostname: "127.0.0.1", addresses: ["127.0.0.1"] }))).text();
    await (await fetch(url, init({ hostname: "127.0.0.1", addresses: ["127.0.0.1"] }))).text();
    expect(server.connections()).toBe(2);
  });

  it("checks the TLS certificate against the name while connecting to the pinned address, with SNI", async () => {
    const server = await startServer("127.0.0.1", 0, true);
    const fetch = createHttpFetch({ ca: certificate });
    const pinned = await fetch(
      `https://provider.test:${server.port}/`,
      init({ hostname: "provider.test", addresses: ["127.0.0.1"] }),
    );
    expect(await pinned.text()).toBe("ok");
    expect(server.seen).toEqual([{ host: `provider.test:${server.port}`, servername: "provider.test" }]);

    // The same address under another name: its certificate does not name it, so the call fails.
    await expect(
      fetch(`https://other.test:${server.port}/`, init({ hostname: "other.test", addresses: ["127.0.0.1"] })),
    ).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  it("fails as DNS would when the pinned name did not resolve", async () => {
    const failure = Object.assign(new Error("getaddrinfo ENOTFOUND provider.test"), { code: "ENOTFOUND" });
    await expect(
      createHttpFetch()("http://provider.test/", init({ hostname: "provider.test", addresses: [], failure })),
    ).rejects.toMatchObject({ code: "ENOTFOUND" });
  });
});

describe("UpstreamGuard and createHttpFetch together", () => {
  // 127.0.0.2 stands in for a private address (the metadata service): the guard is told to refuse it.
  const isRefused = (address: string) => address === "127.0.0.2";

  it("connect to the address that was checked, even when the name answers differently the next time", async () => {
    const target = await startServer("127.0.0.1");
    const forbidden = await startServer("127.0.0.2", target.port);
    let lookups = 0;
    const guard = new UpstreamGuard([], {
      isRefused,
      resolve: async () => {
        lookups += 1;
        return lookups === 1 ? ["127.0.0.1"] : ["127.0.0.2"];
      },
    });
    const fetch = createHttpFetch();
    const url = `http://rebind.test:${target.port}/v1/chat/completions`;

    for (let call = 0; call < 3; call += 1) {
      const response = await fetch(url, init(await guard.check(url)));
      expect(await response.text()).toBe("ok");
    }
    expect(lookups).toBe(1);
    expect(target.seen).toHaveLength(3);
    expect(target.seen[0]?.host).toBe(`rebind.test:${target.port}`);
    expect(forbidden.seen).toEqual([]);
  });

  it("refuse a name once it resolves to a refused address, before any connection", async () => {
    const target = await startServer("127.0.0.1");
    const forbidden = await startServer("127.0.0.2", target.port);
    let lookups = 0;
    const guard = new UpstreamGuard([], {
      ttlMs: 0,
      isRefused,
      resolve: async () => {
        lookups += 1;
        return lookups === 1 ? ["127.0.0.1"] : ["127.0.0.1", "127.0.0.2"];
      },
    });
    const url = `http://rebind.test:${target.port}/`;
    await (await createHttpFetch()(url, init(await guard.check(url)))).text();
    await expect(guard.check(url)).rejects.toMatchObject({ status: 403, code: 7011 });
    expect(target.seen).toHaveLength(1);
    expect(forbidden.connections()).toBe(0);
  });
});
