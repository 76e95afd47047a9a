/** Where the OpenAPI document is served (shared/management/openapi-route.ts), without authentication. */
export const OPENAPI_PATH = "/client/v4/openapi.json";
