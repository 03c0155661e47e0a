/**
 * One error shape for the whole API:
 *   { "error": { "code": "invalid_field", "message": "…", "field": "score", "requestId": "…" } }
 * `code` is stable (clients branch on it); `message` is for people; `field` names the culprit.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const badRequest = (code: string, message: string, field?: string) => new ApiError(400, code, message, field);
export const forbidden = (message = "You are not allowed to do this") => new ApiError(403, "forbidden", message);
export const unauthorized = (message = "Authentication required") => new ApiError(401, "unauthorized", message);
