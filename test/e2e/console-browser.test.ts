import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

/** Debian's chromium package; .ci/run installs it when it is missing. No browser is ever downloaded. */
const CHROMIUM = "/usr/bin/chromium";
/** `CONSOLE_SCREENSHOTS=1` writes each page, light and dark, into docs/console/ (docs/console.md shows them). */
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === "1";
const SCREENSHOT_DIRECTORY = fileURLToPath(new URL("../../docs/console/", import.meta.url));
const WAIT_MS = 30_000;

let t: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every console error and uncaught exception of the current test's pages. */
let problems: string[] = [];
/** Console errors a test expects (the browser reports each refused fetch as one). */
let expectedProblems: RegExp[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    );
  }
  t = await startTestGateway();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  if (SCREENSHOTS) mkdirSync(SCREENSHOT_DIRECTORY, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function openConsole(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const opened = await context.newPage();
  opened.setDefaultTimeout(WAIT_MS);
  opened.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  opened.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await opened.goto(`${t.gateway.url}/`);
  return opened;
}

afterEach(async () => {
  await context?.close();
  const unexpected = problems.filter((problem) => !expectedProblems.some((pattern) => pattern.test(problem)));
  problems = [];
  expectedProblems = [];
  expect(unexpected, "console errors on the page").toEqual([]);
});

async function signIn(target: Page, token: string): Promise<void> {
  await target.getByLabel("API token").fill(token);
  await target.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in and waits until the console is shown (the token is then in sessionStorage). */
async function signedIn(target: Page, token: string): Promise<void> {
  await signIn(target, token);
  await target.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Light and dark screenshots of the page as it is, when CONSOLE_SCREENSHOTS=1. */
async function screenshot(target: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  for (const colorScheme of ["light", "dark"] as const) {
    await target.emulateMedia({ colorScheme });
    // Two frames: the charts redraw their canvas in the new scheme's colours.
    await target.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    await target.screenshot({ path: `${SCREENSHOT_DIRECTORY}${name}-${colorScheme}.png`, fullPage: true });
  }
  await target.emulateMedia({ colorScheme: null });
}

function postChat(gatewayId: string, content: string, stream = false): Promise<Response> {
  return fetch(`${t.providerUrl("openai", gatewayId)}/chat/completions`, {
    method: "POST",
    headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }], stream }),
  });
}

/** Polls the analytics API until the gateway's traffic is counted (the log-writer adds it after storing the log). */
async function waitForAnalytics(gatewayId: string): Promise<void> {
  const end = new Date(Date.now() + 3_600_000).toISOString();
  const start = new Date(Date.now() - 3_600_000).toISOString();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const { body } = await t.management(`/gateways/${gatewayId}/analytics?start=${start}&end=${end}`);
    if ((body.result as { buckets: unknown[] }).buckets.length > 0) return;
    if (Date.now() > deadline) throw new Error(`no analytics for ${gatewayId} within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("the web console in a browser", () => {
  it("is served at the root with a strict CSP, its files as immutable, beside an untouched API", async () => {
    const index = await fetch(`${t.gateway.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(index.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await index.text();
    expect(html).toContain('content="local"');
    const script = /src="(console\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${t.gateway.url}/${script}`);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    // Relative URLs only, so the page works under a stage prefix (/prod/ on AWS).
    expect(html).not.toMatch(/(src|href)="\//);
    expect((await fetch(`${t.gateway.url}/elsewhere`)).status).toBe(403);
  });

  it("tells a wrong token so, in words", async () => {
    page = await openConsole();
    expectedProblems = [/status of 401/];
    await screenshot(page, "sign-in");
    await signIn(page, "not-a-valid-token");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("The token was not accepted");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("signs in with the admin token and creates a gateway that the API then has", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.getByRole("heading", { name: "Gateways" }).waitFor();
    // The token stays out of the URL and the DOM.
    expect(page.url()).not.toContain(TEST_ADMIN_TOKEN);
    expect(await page.content()).not.toContain(TEST_ADMIN_TOKEN);

    const idInput = page.getByLabel("New gateway id");
    // The 64-character id rule: a letter or digit first.
    await idInput.fill("-starts-with-a-hyphen");
    expect(await page.getByRole("button", { name: "Create gateway" }).isDisabled()).toBe(true);
    await idInput.fill("console-made");
    await page.getByRole("button", { name: "Create gateway" }).click();
    await page.getByRole("link", { name: "console-made" }).waitFor();
    const { status, body } = await t.management("/gateways/console-made");
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ id: "console-made", collect_logs: true });
    await screenshot(page, "gateways");
  });

  it("edits a gateway's settings and deletes a gateway after a confirmation", async () => {
    await t.managementSend("POST", "/gateways", {
      id: "to-delete",
      cache_invalidate_on_update: false,
      cache_ttl: 0,
      collect_logs: true,
      rate_limiting_interval: 0,
      rate_limiting_limit: 0,
    });
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.goto(`${t.gateway.url}/#/gateways/console-made`);
    await page.getByLabel("Cache TTL (seconds)").fill("600");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved.").waitFor();
    expect((await t.management("/gateways/console-made")).body.result).toMatchObject({ cache_ttl: 600 });
    await screenshot(page, "gateway-settings");

    await page.goto(`${t.gateway.url}/#/gateways/to-delete`);
    await page.getByRole("button", { name: "Delete gateway" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await page.waitForURL(/#\/gateways$/);
    await page.getByRole("heading", { name: "Gateways", exact: true }).waitFor();
    expect((await t.management("/gateways/to-delete")).status).toBe(404);
  });

  it("shows traffic's log as it arrives, its bodies, and feedback the API then returns", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.goto(`${t.gateway.url}/#/gateways/default/logs`);
    // The empty state shows the first request to send.
    await page.getByText("Send a first request through the gateway").waitFor();

    const response = await postChat("default", "Hello from the console test");
    expect(response.status).toBe(200);
    await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    const row = page.locator("table.logs tbody tr").first();
    await row.waitFor();
    expect(await row.textContent()).toContain("gpt-4o-mini");

    await row.getByRole("button").click();
    const detail = page.getByRole("region", { name: "Log detail" });
    await detail.getByText("Request body").waitFor();
    await detail.getByText("Response body").waitFor();
    expect(await detail.locator("pre").first().textContent()).toContain(
      '"content": "Hello from the console test"',
    );
    expect(await detail.textContent()).toContain(logId);

    await detail.getByRole("button", { name: "Thumbs up" }).click();
    await detail.locator('button[aria-pressed="true"]').waitFor();
    expect((await t.management(`/gateways/default/logs/${logId}`)).body.result).toMatchObject({
      feedback: 1,
    });
    await screenshot(page, "logs");
    if (SCREENSHOTS) {
      // A phone's width: the table keeps its first columns and the detail stacks.
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, "logs-narrow");
    }
  });

  it("counts the logs a filter selects before deleting them", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.goto(`${t.gateway.url}/#/gateways/default/logs`);
    await page.locator("table.logs tbody tr").first().waitFor();
    await page.getByText("Filters", { exact: true }).click();
    await page.getByLabel("Model", { exact: true }).fill("no-such-model");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByRole("button", { name: "Delete matching logs…" }).click();
    await page.getByText("No log matches.").waitFor();
    const before = (await t.management("/gateways/default/logs")).body.result_info?.total_count;
    expect(before).toBeGreaterThan(0);
  });

  it("deletes the logs it counted (a delete job the API settles) and says how many", async () => {
    await t.managementSend("POST", "/gateways", {
      id: "logs-to-delete",
      cache_invalidate_on_update: false,
      cache_ttl: 0,
      collect_logs: true,
      rate_limiting_interval: 0,
      rate_limiting_limit: 0,
    });
    await (await postChat("logs-to-delete", "A log to delete from the console")).text();
    const stored = async () =>
      (await t.management("/gateways/logs-to-delete/logs")).body.result_info?.total_count;
    await vi.waitFor(async () => expect(await stored()).toBe(1), { timeout: 10_000, interval: 100 });

    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.goto(`${t.gateway.url}/#/gateways/logs-to-delete/logs`);
    await page.locator("table.logs tbody tr").first().waitFor();
    await page.getByRole("button", { name: "Delete matching logs…" }).click();
    await page.getByText("1 logs match (every log of this gateway).").waitFor();
    await page.getByRole("button", { name: "Delete 1 logs" }).click();
    await page.getByRole("status").getByText("Deleted 1 logs.").waitFor();
    expect(await stored()).toBe(0);
  });

  it("draws the analytics as charts", async () => {
    // A second model, so the split by model has two lines.
    const other = await fetch(`${t.providerUrl("openai", "default")}/chat/completions`, {
      method: "POST",
      headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Another" }] }),
    });
    await other.text();
    await t.waitForLog(other.headers.get("cf-aig-log-id") ?? "");
    await waitForAnalytics("default");
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.goto(`${t.gateway.url}/#/gateways/default/analytics`);
    await page.locator(".chart canvas, .error, .empty").first().waitFor();
    expect(await page.locator("main").textContent()).not.toMatch(/No traffic|answered/);
    const charts = await page.locator(".chart").count();
    expect(charts).toBeGreaterThanOrEqual(6);
    // The requests chart plotted something: its canvas has pixels that are not the background.
    const drawn = await page
      .locator(".chart canvas")
      .first()
      .evaluate((canvas: HTMLCanvasElement) => {
        const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
        let painted = 0;
        for (let index = 3; index < pixels.length; index += 4) if ((pixels[index] ?? 0) > 0) painted++;
        return painted;
      });
    expect(drawn).toBeGreaterThan(100);
    await screenshot(page, "analytics");
  });

  it("adds a provider key, shows only its preview, and deletes it", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.goto(`${t.gateway.url}/#/gateways/default/keys`);
    await page.getByLabel("Provider", { exact: true }).fill("groq");
    await page.getByLabel("Secret").fill("gsk-console-secret-0123456789");
    await page.getByRole("button", { name: "Add key" }).click();
    await page.getByRole("rowheader", { name: "groq" }).waitFor();
    expect(await page.content()).not.toContain("gsk-console-secret-0123456789");
    const listed = (await t.management("/gateways/default/provider_configs")).body.result as {
      provider_slug: string;
      secret_preview: string;
    }[];
    expect(listed).toEqual([
      expect.objectContaining({ provider_slug: "groq", secret_preview: "gsk-...6789" }),
    ]);
    await screenshot(page, "provider-keys");

    await page.getByRole("button", { name: "Delete groq default" }).click();
    await page.getByText("No stored keys on this gateway.").waitFor();
    expect((await t.management("/gateways/default/provider_configs")).body.result).toEqual([]);
  });

  it("streams a chat answer in the playground and opens its log", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.getByRole("link", { name: "Playground" }).click();
    await page.getByLabel("Gateway", { exact: true }).selectOption("default");
    await page.getByLabel("Provider key (empty: the gateway's stored key)").fill("sk-test");
    await page.getByLabel("Message").fill("Stream me something");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Hello from the mock!").waitFor();
    await page.getByRole("link", { name: "Open its log" }).click();
    const detail = page.getByRole("region", { name: "Log detail" });
    await detail.getByText("Reassembled text").waitFor();
    expect(await detail.locator("pre.reassembled").textContent()).toBe("Hello from the mock!");
    expect(await detail.textContent()).toContain("Stream me something");
    await screenshot(page, "playground-log");
  });

  it("creates a custom provider checked with the API's schema, then deletes it", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.getByRole("link", { name: "Custom providers" }).click();
    await page.getByLabel("Name").fill("Acme AI");
    await page.getByLabel("Slug").fill("Not Valid");
    await page.getByLabel("Base URL (https)").fill("https://api.acme.example/v1");
    await page.getByRole("button", { name: "Create provider" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("slug:");
    await page.getByLabel("Slug").fill("acme");
    await page.getByRole("button", { name: "Create provider" }).click();
    await page.getByRole("rowheader", { name: "Acme AI" }).waitFor();
    const listed = (await t.management("/custom-providers")).body.result as { slug: string }[];
    expect(listed.map((provider) => provider.slug)).toEqual(["acme"]);
    await screenshot(page, "custom-providers");
    await page.getByRole("button", { name: "Delete Acme AI" }).click();
    await page.getByText("No custom providers.").waitFor();
  });

  it("creates a dynamic route, draws it, saves a version, deploys it and rolls back", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.goto(`${t.gateway.url}/#/gateways/default/routes`);
    await page.getByText("New route").click();
    await page.getByLabel("Name").fill("support");
    await page.getByRole("button", { name: "Create route" }).click();
    const detail = page.getByRole("region", { name: "Route detail" });
    await detail.locator("svg.route-graph").waitFor();
    expect(await detail.locator("svg.route-graph rect").count()).toBe(3);

    const elements = page.getByLabel("Elements of a new version (JSON; not live until deployed)");
    const edited = (await elements.inputValue()).replace('"gpt-4o-mini"', '"gpt-4o"');
    await elements.fill(edited);
    await detail.getByRole("button", { name: "Save version" }).click();
    await detail.getByRole("button", { name: "Deploy this version" }).waitFor();
    await detail.getByRole("button", { name: "Deploy this version" }).click();
    await detail.getByText("model: gpt-4o", { exact: true }).waitFor();
    const routes = (await t.management("/gateways/default/routes")).body.result as {
      elements: { properties?: { model?: string } }[];
    }[];
    expect(routes[0]?.elements[1]?.properties?.model).toBe("gpt-4o");
    await screenshot(page, "routes");

    // Rollback: deploy the first version again.
    await detail.getByRole("button", { name: "Deploy this version" }).click();
    await detail.getByText("model: gpt-4o-mini", { exact: true }).waitFor();
  });

  it("gives a read token a read-only console", async () => {
    const created = await t.managementSend("POST", "/tokens", { name: "viewer", scopes: ["read"] });
    const readToken = (created.body.result as { value: string }).value;
    page = await openConsole();
    await signedIn(page, readToken);
    await page.getByText("read-only").waitFor();
    await page.getByRole("heading", { name: "Gateways" }).waitFor();
    expect(await page.getByRole("button", { name: "Create gateway" }).count()).toBe(0);

    await page.goto(`${t.gateway.url}/#/gateways/console-made`);
    await page.getByLabel("Cache TTL (seconds)").waitFor();
    expect(await page.getByLabel("Cache TTL (seconds)").isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Save settings" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Delete gateway" }).count()).toBe(0);

    await page.goto(`${t.gateway.url}/#/gateways/default/logs`);
    await page.locator("table.logs tbody tr").first().waitFor();
    expect(await page.getByRole("button", { name: "Delete matching logs…" }).count()).toBe(0);
  });

  it("lists API tokens, creates one shown once, and signs out", async () => {
    page = await openConsole();
    await signedIn(page, TEST_ADMIN_TOKEN);
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByLabel("Name").fill("from-console");
    await page.getByLabel("read").check();
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = page.locator(".once output");
    await shown.waitFor();
    expect(await shown.textContent()).toMatch(/^aig_/);
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("rowheader", { name: "from-console" }).waitFor();
    await screenshot(page, "tokens");

    // A reload keeps the tab signed in (the token is in sessionStorage), on the same page.
    await page.reload();
    await page.getByRole("heading", { name: "API tokens" }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API token").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
