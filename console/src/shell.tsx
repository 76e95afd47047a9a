import type { ComponentChildren } from "preact";
import { useErrorBoundary } from "preact/hooks";
import { useSession } from "./context.ts";
import { AnalyticsPage } from "./pages/analytics.tsx";
import { CustomProvidersPage } from "./pages/custom-providers.tsx";
import { GatewayPage } from "./pages/gateway.tsx";
import { GatewaysPage } from "./pages/gateways.tsx";
import { LogsPage } from "./pages/logs.tsx";
import { PlaygroundPage } from "./pages/playground.tsx";
import { ProviderKeysPage } from "./pages/provider-keys.tsx";
import { RoutesPage } from "./pages/routes.tsx";
import { TokensPage } from "./pages/tokens.tsx";
import { href, type Route, useRoute } from "./router.ts";

/** The signed-in frame: navigation, the read-only notice, sign-out, and the current page. */
export function Shell({ signOut }: { signOut: () => void }) {
  const route = useRoute();
  const { canEdit, client } = useSession();
  return (
    <div class="shell">
      <header>
        <strong class="brand">AI Gateway</strong>
        <nav aria-label="Main">
          <a href={href({ page: "gateways" })} aria-current={route.page === "gateways" ? "page" : undefined}>
            Gateways
          </a>
          <a href={href({ page: "tokens" })} aria-current={route.page === "tokens" ? "page" : undefined}>
            API tokens
          </a>
          <a
            href={href({ page: "providers" })}
            aria-current={route.page === "providers" ? "page" : undefined}
          >
            Custom providers
          </a>
          <a
            href={href({ page: "playground" })}
            aria-current={route.page === "playground" ? "page" : undefined}
          >
            Playground
          </a>
        </nav>
        <span class="account">account {client.accountId}</span>
        {canEdit ? null : <span class="badge">read-only</span>}
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <PageBoundary key={href(route)}>
          <Page route={route} />
        </PageBoundary>
      </main>
    </div>
  );
}

/** A page that fails to render says so in words (and the rest of the console keeps working). */
function PageBoundary({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary();
  if (error) {
    return (
      <div role="alert" class="error">
        <p>This page failed: {error instanceof Error ? error.message : String(error)}</p>
        <button type="button" class="secondary" onClick={reset}>
          Try again
        </button>
      </div>
    );
  }
  return <>{children}</>;
}

function Page({ route }: { route: Route }) {
  const id = route.gatewayId ?? "";
  switch (route.page) {
    case "gateway":
      return <GatewayPage key={id} gatewayId={id} />;
    case "logs":
      return <LogsPage key={`${id}/${route.logId ?? ""}`} gatewayId={id} initialLogId={route.logId} />;
    case "analytics":
      return <AnalyticsPage key={id} gatewayId={id} />;
    case "routes":
      return <RoutesPage key={id} gatewayId={id} />;
    case "keys":
      return <ProviderKeysPage key={id} gatewayId={id} />;
    case "tokens":
      return <TokensPage />;
    case "playground":
      return <PlaygroundPage />;
    case "providers":
      return <CustomProvidersPage />;
    default:
      return <GatewaysPage />;
  }
}
