import { z } from "zod";

/**
 * Dynamic routes (reference 5.3): the management API's request bodies. The elements are checked here
 * only as an array; their schema and the graph rules are shared/routing/route-graph.ts's, which names
 * the element at fault.
 *
 * A route is called as `model: "dynamic/<name>"`, so names are kept to what reads cleanly in a model
 * string: letters, digits, `_`, `-` and `.`, starting with a letter or digit, at most 64 characters.
 * The reference gives no rule; Cloudflare's SDK example "Route Name" (with a space) is refused here.
 */
export const ROUTE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ROUTE_NAME_MESSAGE =
  "must be 1-64 characters: letters, digits, '_', '-' or '.', starting with a letter or digit";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nameSchema = z.string().regex(ROUTE_NAME_PATTERN, ROUTE_NAME_MESSAGE);
const elementsSchema = z.array(z.unknown());
/** A note kept with a version or a deployment ("roll back: b failed"). */
const commentSchema = z.string().max(500).nullable().optional();

/** POST /gateways/{g}/routes: the route and its first version, deployed at once. */
export const routeCreateInputSchema = z.strictObject({ name: nameSchema, elements: elementsSchema });

/** PATCH /gateways/{g}/routes/{id}: only the name; behaviour changes through versions. */
export const routeUpdateInputSchema = z.strictObject({ name: nameSchema });

/** POST .../versions: a new immutable version, not live until deployed. */
export const routeVersionInputSchema = z.strictObject({ elements: elementsSchema, comment: commentSchema });

/** POST .../deployments: makes a version live (an earlier one rolls back). */
export const routeDeploymentInputSchema = z.strictObject({
  version_id: z.string().regex(UUID_PATTERN, "must be a version id (a UUID)"),
  comment: commentSchema,
});
