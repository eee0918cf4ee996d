/** One asset of a release listing, in the GitHub release API's field names. */
export interface ReleaseAsset {
  name: string;
  browser_download_url: string;
  size?: number;
}

/** DHIS2 Capture builds one APK per flavour; "plain" is the GitHub build without a suffix. */
export type CaptureVariant = 'plain' | 'googlePlay' | 'training';

// DHIS2 Capture names its release APKs dhis2-v{versionName}{suffix}.apk,
// with the suffix "", "-googlePlay" or "-training" (app/build.gradle.kts).
const CAPTURE_ASSET = /^dhis2-v(.+?)(-googlePlay|-training)?\.apk$/;

/** Returns the flavour of a DHIS2 Capture asset name, or null for another file. */
export function captureVariantOf(assetName: string): CaptureVariant | null {
  const match = CAPTURE_ASSET.exec(assetName);
  if (!match) return null;
  if (match[2] === '-googlePlay') return 'googlePlay';
  if (match[2] === '-training') return 'training';
  return 'plain';
}

/** Picks the asset of the requested flavour by name, never by position; null when none matches. */
export function pickCaptureAsset(assets: readonly ReleaseAsset[], variant: CaptureVariant = 'plain'): ReleaseAsset | null {
  return assets.find((asset) => captureVariantOf(asset.name) === variant) ?? null;
}

/**
 * Rewrites a GitHub release page URL (github.com/{owner}/{repo}/releases/tag/{tag})
 * to its release API URL, which lists the assets as JSON. Other URLs come back unchanged.
 */
export function releaseApiUrl(url: URL): URL {
  const match = /^\/([^/]+)\/([^/]+)\/releases\/tag\/([^/]+)\/?$/.exec(url.pathname);
  if (url.hostname !== 'github.com' || !match) return url;

  const [, owner, repo, tag] = match;
  return new URL(`https://api.github.com/repos/${owner}/${repo}/releases/tags/${tag}`);
}
