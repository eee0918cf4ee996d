/** Orders app versions by versionCode only; versionName is display text. */
export function compareVersionCodes(a: { versionCode: number }, b: { versionCode: number }): number {
  return a.versionCode - b.versionCode;
}

/** Returns the versions sorted from the highest versionCode to the lowest. */
export function sortNewestFirst<T extends { versionCode: number }>(versions: readonly T[]): T[] {
  return [...versions].sort((a, b) => compareVersionCodes(b, a));
}
