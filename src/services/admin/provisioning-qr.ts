import QRCode from 'qrcode';

import { toUrlSafeBase64 } from '../../apk/index.js';
import { requireRole, type Caller } from '../../auth/caller.js';
import { agentBaseUrl, routePrefix } from '../../config.js';
import type { AppContext } from '../../context.js';
import { ConflictError } from '../../domain/errors.js';
import { buildProvisioningPayload } from '../../domain/provisioning.js';
import { requireChosenAgent } from './enrolment-agent.js';
import { findTokenForCaller, readQrOptions } from './enrolment-tokens.js';
import { findPolicyOrThrow } from './policies.js';

/** Default QR image width in pixels: large enough to scan from a laptop screen. */
export const DEFAULT_QR_PIXELS = 512;
export const MIN_QR_PIXELS = 128;
export const MAX_QR_PIXELS = 2048;

/**
 * Returns the provisioning object a QR code carries for an enrolment token.
 * Throws ConflictError for a revoked, expired or used-up token and when no
 * agent APK is chosen.
 */
export async function getProvisioningPayload(ctx: AppContext, caller: Caller, tokenId: string): Promise<Record<string, unknown>> {
  requireRole(caller, 'viewer');

  const token = await findTokenForCaller(ctx, caller, tokenId);
  await findPolicyOrThrow(ctx, token.policy_id, 'policyId');
  if (token.revoked_at !== null) {
    throw new ConflictError('token_revoked', 'This enrolment token is revoked, so its QR code would not enrol a device. Create a new token.');
  }
  if (token.expires_at !== null && token.expires_at <= ctx.now()) {
    throw new ConflictError('token_expired', 'This enrolment token has expired, so its QR code would not enrol a device. Create a new token.');
  }
  if (token.uses_left !== null && token.uses_left <= 0) {
    throw new ConflictError('token_used_up', 'This enrolment token has no uses left. Create a new token for more devices.');
  }

  const agent = await requireChosenAgent(ctx);
  const options = readQrOptions(token);
  const fileName = encodeURIComponent(agent.version.file_name);

  return buildProvisioningPayload({
    adminComponent: agent.adminComponent,
    agentApkUrl: `${ctx.config.publicUrl.origin}${routePrefix(ctx.config)}/files/apps/${agent.version.id}/${fileName}`,
    agentApkChecksum: toUrlSafeBase64(agent.version.file_sha256),
    agentSignatureChecksum: toUrlSafeBase64(agent.version.signer_sha256),
    baseUrl: agentBaseUrl(ctx.config),
    serverProject: ctx.config.projectPath,
    enrolmentToken: token.id,
    presetDeviceId: token.preset_device_id,
    deviceIdSource: options.deviceIdSource,
    wifi: options.wifi,
    useMobileData: options.useMobileData,
  });
}

/** Renders the provisioning QR code as a PNG of `pixels` width, with error correction level M. */
export async function getProvisioningPng(ctx: AppContext, caller: Caller, tokenId: string, pixels = DEFAULT_QR_PIXELS): Promise<Buffer> {
  requireRole(caller, 'viewer');

  const payload = await getProvisioningPayload(ctx, caller, tokenId);

  return QRCode.toBuffer(JSON.stringify(payload), { type: 'png', errorCorrectionLevel: 'M', width: pixels, margin: 4 });
}
