import { useEffect, useState } from "preact/hooks";

/**
 * Pages are addressed by the URL's fragment (`#/gateways/prod/logs`): the server serves one page at the
 * root, so every console URL works under any stage prefix and nothing but `/` needs a route.
 */
export interface Route {
  page:
    | "gateways"
    | "gateway"
    | "logs"
    | "analytics"
    | "keys"
    | "routes"
    | "tokens"
    | "providers"
    | "playground";
  gatewayId?: string;
  /** The logs page opens with this log's detail. */
  logId?: string;
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const [first, id, section, logId] = parts;
  if (first === "tokens") return { page: "tokens" };
  if (first === "playground") return { page: "playground" };
  if (first === "providers") return { page: "providers" };
  if (first === "gateways" && id) {
    if (section === "logs" && logId) return { page: "logs", gatewayId: id, logId };
    if (section === "logs" || section === "analytics" || section === "keys" || section === "routes") {
      return { page: section, gatewayId: id };
    }
    return { page: "gateway", gatewayId: id };
  }
  return { page: "gateways" };
}

export function href(route: Route): string {
  if (route.page === "tokens" || route.page === "playground" || route.page === "providers") {
    return `#/${route.page}`;
  }
  if (!route.gatewayId) return "#/gateways";
  const id = encodeURIComponent(route.gatewayId);
  if (route.page === "gateway") return `#/gateways/${id}`;
  const log = route.page === "logs" && route.logId ? `/${encodeURIComponent(route.logId)}` : "";
  return `#/gateways/${id}/${route.page}${log}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
