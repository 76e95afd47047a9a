import { href, type Route } from "../router.ts";

const TABS: { page: Route["page"]; label: string }[] = [
  { page: "logs", label: "Logs" },
  { page: "analytics", label: "Analytics" },
  { page: "keys", label: "Provider keys" },
  { page: "routes", label: "Routes" },
  { page: "gateway", label: "Settings" },
];

/** The heading of a gateway's pages and the links between them. */
export function GatewayTabs({ gatewayId, current }: { gatewayId: string; current: Route["page"] }) {
  return (
    <div class="gateway-heading">
      <h1>
        <a href={href({ page: "gateways" })}>Gateways</a> / {gatewayId}
      </h1>
      <nav aria-label="Gateway" class="tabs">
        {TABS.map((tab) => (
          <a
            key={tab.page}
            href={href({ page: tab.page, gatewayId })}
            aria-current={tab.page === current ? "page" : undefined}
          >
            {tab.label}
          </a>
        ))}
      </nav>
    </div>
  );
}
