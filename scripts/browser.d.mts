export function findBrowser(env?: Record<string, string | undefined>): string | undefined;
export function ensureBrowser(): string;
export const HOW_TO: string;
