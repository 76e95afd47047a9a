import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManagementHandler } from "../../../shared/management/handle-management-request.ts";
import type { TokenScope } from "../../../shared/store/token-store.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import type { recordingLogger } from "../../support/recording-logger.ts";
import {
  ADMIN_TOKEN,
  type Envelope,
  type ManagementClient,
  managementOver,
} from "../logs/management-fixture.ts";

type RecordingLogger = ReturnType<typeof recordingLogger>;

const SCOPES: readonly TokenScope[] = ["read", "edit", "run"];
/** Every non-empty set of scopes, in a fixed order: [read], [edit], [read, edit], [run], ... */
const SCOPE_SETS: TokenScope[][] = Array.from({ length: 7 }, (_, bits) =>
  SCOPES.filter((_scope, position) => ((bits + 1) >> position) & 1),
);

/**
 * The lattice (docs/security.md): `edit` holds `read` too; `run` is apart; the admin token holds all.
 * Creating a token needs the route's `edit` scope, and every requested scope must be held.
 */
function held(creator: "admin" | TokenScope[]): Set<TokenScope> {
  if (creator === "admin") return new Set(SCOPES);
  const scopes = new Set(creator);
  if (scopes.has("edit")) scopes.add("read");
  return scopes;
}

function expected(
  creator: "admin" | TokenScope[],
  requested: TokenScope[],
): { status: number; message?: string } {
  const scopes = held(creator);
  if (!scopes.has("edit"))
    return { status: 403, message: "Authentication error: token lacks the edit scope" };
  const missing = requested.filter((scope) => !scopes.has(scope));
  if (missing.length === 0) return { status: 200 };
  const list = missing.length === 1 ? `the ${missing[0]} scope` : `the ${missing.join(" and ")} scopes`;
  return {
    status: 403,
    message: `Authentication error: token lacks ${list} it asks to grant (a token can only create tokens with scopes it holds)`,
  };
}

let dynamo: RunningDynamo;
let api: ManagementClient;
let handle: (request: Request) => Promise<Response>;
const creatorTokens = new Map<string, string>();

async function call<Result>(token: string, method: string, path: string, body?: unknown) {
  const response = await handle(
    new Request(`http://gateway.test/client/v4/accounts/acct/ai-gateway${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as Envelope<Result> };
}

const label = (creator: "admin" | TokenScope[]) =>
  creator === "admin" ? "admin" : `[${creator.join(", ")}]`;

beforeAll(async () => {
  dynamo = await startDynamo("dynalite");
  api = await managementOver(dynamo, await dynamo.createTable("logs"));
  handle = createManagementHandler(api.deps);
  creatorTokens.set("admin", ADMIN_TOKEN);
  for (const scopes of SCOPE_SETS) {
    const created = await call<{ value: string }>(ADMIN_TOKEN, "POST", "/tokens", {
      name: label(scopes),
      scopes,
    });
    expect(created.status).toBe(200);
    creatorTokens.set(label(scopes), created.body.result.value);
  }
});

afterAll(async () => {
  await dynamo.stop();
});

const CREATORS: ("admin" | TokenScope[])[] = ["admin", ...SCOPE_SETS];

describe("POST /tokens: a token creates only tokens with scopes it holds", () => {
  const rows = CREATORS.flatMap((creator) =>
    SCOPE_SETS.map((requested) => [label(creator), `[${requested.join(", ")}]`, creator, requested] as const),
  );

  it.each(rows)("%s creating %s", async (creatorLabel, _requestedLabel, creator, requested) => {
    const token = creatorTokens.get(creatorLabel) ?? "";
    const before = (await api.deps.tokens.list("acct")).length;
    const answer = await call<{ scopes: TokenScope[]; value: string }>(token, "POST", "/tokens", {
      name: "minted",
      scopes: requested,
    });
    const want = expected(creator, requested);
    expect(answer.status).toBe(want.status);
    if (want.status === 200) {
      expect(answer.body.result.scopes).toEqual(requested);
      expect(answer.body.result.value).toMatch(/^aig_/);
      expect((await api.deps.tokens.list("acct")).length).toBe(before + 1);
    } else {
      expect(answer.body).toMatchObject({ success: false, errors: [{ code: 10000, message: want.message }] });
      expect((await api.deps.tokens.list("acct")).length).toBe(before);
    }
  });

  it("logs a refused mint with the creator's token id and the scopes it lacked, never a value", async () => {
    const token = creatorTokens.get("[edit]") ?? "";
    const answer = await call(token, "POST", "/tokens", { name: "escalate", scopes: ["run"] });
    expect(answer.status).toBe(403);
    const { lines } = api.deps.logger as RecordingLogger;
    const line = lines.find((candidate) => candidate.message === "api token creation refused");
    expect(line).toMatchObject({
      level: "warn",
      attributes: { missing_scopes: ["run"], requested_scopes: ["run"] },
    });
    expect(JSON.stringify(lines)).not.toContain(token);
  });
});
