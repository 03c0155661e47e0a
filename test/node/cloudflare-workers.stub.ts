/** `cloudflare:workers` outside workerd: the document is built without any binding. */
export const env: Record<string, unknown> = {};
