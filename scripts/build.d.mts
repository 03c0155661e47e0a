export function weigh(file: string): { raw: number; gzip: number; brotli: number };
