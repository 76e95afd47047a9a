/**
 * The request path as the client sent it. A web `Request` cannot carry one: building its URL resolves
 * dot segments (`a/b/../c` and `a/b/%2e%2e/c` both become `a/c`), so a router reading `request.url` would
 * act on another resource than the one named (`DELETE .../provider_configs/%2e%2e` became a DELETE of the
 * gateway). The Lambda adapters remember API Gateway's `path` here; the routers read it back and refuse dot
 * segments (shared/core/dot-segments.ts). A Request no adapter saw (a test, a universal step) reads as its URL.
 */
const rawPaths = new WeakMap<Request, string>();

export function rememberRawPath<R extends Request>(request: R, path: string): R {
  rawPaths.set(request, path);
  return request;
}

export function rawPathOf(request: Request): string {
  return rawPaths.get(request) ?? new URL(request.url).pathname;
}
