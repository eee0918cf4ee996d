export const SOURCE_DIR: string;
export const ENGLISH_CATALOG: string;
export function extractKeys(dir?: string): { keys: string[]; nonLiteral: string[] };
