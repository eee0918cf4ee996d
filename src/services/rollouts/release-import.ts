import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError, PayloadTooLargeError, UnprocessableError } from '../../domain/errors.js';
import { pickCaptureAsset, releaseApiUrl, type CaptureVariant, type ReleaseAsset } from '../../domain/release-assets.js';
import { uploadApp } from '../admin/app-upload.js';
import type { AppVersionView, AppView } from '../admin/app-view.js';
import {
  DEFAULT_FETCH_TIMEOUTS,
  describeNetworkError,
  fetchRelease,
  headerText,
  parseHttpUrl,
  releaseDispatcher,
  type FetchedResponse,
  type FetchTimeouts,
} from './release-fetch.js';

export interface ImportInput {
  /** A release listing (GitHub release API JSON or page) or a direct APK URL. */
  url: string;
  /** Expected lower-case hex SHA-256 of the APK. */
  sha256?: string;
  /** Flavour to pick from a listing; the plain GitHub build by default. */
  variant?: CaptureVariant;
  confirmSignerChange?: boolean;
}

export interface ImportResult {
  app: AppView;
  version: AppVersionView;
  source: { url: string; assetName: string | null };
}

// A release listing with a few dozen assets is under 100 KB; 2 MiB leaves
// room while keeping a wrong URL from filling memory.
const MAX_LISTING_BYTES = 2 * 1024 * 1024;

/**
 * Downloads an APK from a URL and stores it exactly as an upload. A JSON
 * response is read as a release listing, and the requested DHIS2 Capture
 * flavour is picked from it by asset name.
 */
export async function importRelease(
  ctx: AppContext,
  caller: Caller,
  input: ImportInput,
  timeouts: FetchTimeouts = DEFAULT_FETCH_TIMEOUTS,
): Promise<ImportResult> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Importing a release');

  const parsed = parseHttpUrl(input.url);
  if (!parsed) throw new InvalidInputError(`Invalid URL ${JSON.stringify(input.url)}: only http and https URLs can be imported.`, 'body.url');

  const dispatcher = releaseDispatcher(timeouts);
  try {
    let response = await fetchRelease(releaseApiUrl(parsed), dispatcher, timeouts);
    let assetName: string | null = null;

    if (isJson(response)) {
      const asset = pickAsset(await readListing(response), input.variant ?? 'plain', response.url);
      if (asset.size !== undefined && asset.size > ctx.config.maxUploadBytes) throw tooLarge(asset.size, ctx.config.maxUploadBytes);
      assetName = asset.name;
      const assetUrl = parseHttpUrl(asset.browser_download_url);
      if (!assetUrl) throw new UnprocessableError('release_asset_invalid', `Asset ${asset.name} has no http(s) download URL.`, 'body.url');
      response = await fetchRelease(assetUrl, dispatcher, timeouts);
    }

    const length = headerText(response.headers['content-length']);
    const declaredBytes = length === null ? undefined : Number(length);
    if (declaredBytes !== undefined && declaredBytes > ctx.config.maxUploadBytes) {
      await response.body.dump();
      throw tooLarge(declaredBytes, ctx.config.maxUploadBytes);
    }

    const fileName = assetName ?? decodeURIComponent(response.url.pathname.split('/').pop() ?? '');
    const stored = await uploadApp(ctx, caller, {
      body: response.body,
      fileName: fileName === '' ? undefined : fileName,
      declaredBytes,
      confirmSignerChange: input.confirmSignerChange === true,
      ...(input.sha256 === undefined ? {} : { expectedSha256: input.sha256 }),
    }).catch((error: unknown) => {
      throw describeNetworkError(response.url, error);
    });

    await ctx.store.audit.record(
      {
        actor: caller.username,
        action: 'app.import',
        targetType: 'app_version',
        targetId: stored.version.id,
        details: { url: input.url, downloadedFrom: response.url.href, assetName, fileSha256: stored.version.fileSha256 },
      },
      ctx.now(),
    );
    return { ...stored, source: { url: response.url.href, assetName } };
  } finally {
    await dispatcher.close();
  }
}

function isJson(response: FetchedResponse): boolean {
  return /[/+]json\b/i.test(headerText(response.headers['content-type']) ?? '');
}

async function readListing(response: FetchedResponse): Promise<ReleaseAsset[]> {
  let text = '';
  for await (const chunk of response.body) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > MAX_LISTING_BYTES) {
      response.body.destroy();
      throw new UnprocessableError('release_listing_too_large', `The release listing at ${response.url.href} is over ${MAX_LISTING_BYTES} bytes.`, 'body.url');
    }
  }

  let listing: unknown;
  try {
    listing = JSON.parse(text);
  } catch {
    throw new UnprocessableError('release_listing_invalid', `${response.url.href} returned JSON that does not parse.`, 'body.url');
  }
  const assets = (listing as { assets?: unknown }).assets;
  if (!Array.isArray(assets)) {
    throw new UnprocessableError('release_listing_invalid', `${response.url.href} returned JSON without an assets list; give a release API URL or an APK URL.`, 'body.url');
  }
  return assets.filter(
    (asset): asset is ReleaseAsset =>
      typeof asset === 'object' && asset !== null && typeof asset.name === 'string' && typeof asset.browser_download_url === 'string',
  );
}

function pickAsset(assets: readonly ReleaseAsset[], variant: CaptureVariant, listingUrl: URL): ReleaseAsset {
  const asset = pickCaptureAsset(assets, variant);
  if (asset) return asset;

  const names = assets.map((item) => item.name).join(', ') || 'none';
  throw new UnprocessableError(
    'release_asset_not_found',
    `The release at ${listingUrl.href} has no DHIS2 Capture asset of variant ${variant} (dhis2-v<versionName>${variant === 'plain' ? '' : `-${variant}`}.apk); its assets are: ${names}.`,
    'body.variant',
  );
}

function tooLarge(bytes: number, maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `The APK is ${bytes} bytes, larger than the upload limit of ${maxBytes} bytes. Raise OUTPOST_MAX_UPLOAD_BYTES if the file is genuine.`,
  );
}
