/**
 * Text into HTML for the e-mails built as strings (invitations, replies, the monthly review),
 * escaped by hono's own routine: the same escaping as the pages rendered with `hono/html`.
 */
import { escapeToBuffer, type StringBuffer } from "hono/utils/html";

export function escapeHtml(text: string): string {
  const buffer: StringBuffer = [""];
  escapeToBuffer(text, buffer);
  return buffer[0] as string;
}
