import { useEffect, useState } from "preact/hooks";

/**
 * Pages are addressed by the URL's fragment (`#/gateways/prod/logs`): the server serves one page at the
 * root, so every console URL works under any stage prefix and nothing but `/` needs a route.
 */
export interface Route {
  page: "gateways" | "gateway" | "logs" | "analytics" | "tokens" | "keys" | "playground";
  gatewayId?: string;
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const [first, id, section] = parts;
  if (first === "tokens") return { page: "tokens" };
  if (first === "playground") return { page: "playground" };
  if (first === "gateways" && id) {
    if (section === "logs" || section === "analytics" || section === "keys") {
      return { page: section, gatewayId: id };
    }
    return { page: "gateway", gatewayId: id };
  }
  return { page: "gateways" };
}

export function href(route: Route): string {
  if (route.page === "tokens" || route.page === "playground") return `#/${route.page}`;
  if (!route.gatewayId) return "#/gateways";
  const id = encodeURIComponent(route.gatewayId);
  return route.page === "gateway" ? `#/gateways/${id}` : `#/gateways/${id}/${route.page}`;
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
