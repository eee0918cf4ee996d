import { toUrlSafeBase64 } from '../../apk/index.js';
import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import type { AppVersionWithPackage } from '../../store/repositories/apps.js';

/** Settings key of the agent choice. */
export const AGENT_SETTING_KEY = 'enrolment.agent';

/** Receiver class of the Headwind MDM agent; builds under another package name keep this class name. */
export const DEFAULT_ADMIN_RECEIVER = 'com.hmdm.launcher.AdminReceiver';

/** A flattened Android ComponentName: package, "/", then a class name that may start with ".". */
export const ADMIN_COMPONENT_PATTERN = '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+/\\.?[A-Za-z][A-Za-z0-9_$]*(\\.[A-Za-z][A-Za-z0-9_$]*)*$';

interface AgentSetting {
  appVersionId: string;
  adminComponent: string;
}

export interface EnrolmentAgentView {
  appVersionId: string | null;
  packageName: string | null;
  versionCode: number | null;
  /** URL-safe Base64 of the APK file's SHA-256, as the QR carries it. */
  fileChecksum: string | null;
  /** URL-safe Base64 of the signer certificate's SHA-256, as the QR carries it. */
  signatureChecksum: string | null;
  adminComponent: string | null;
}

/** The chosen agent, ready to put into a QR. */
export interface ChosenAgent {
  version: AppVersionWithPackage;
  adminComponent: string;
}

/** Returns the agent APK that QR codes install; every field is null until an admin chooses one. */
export async function getEnrolmentAgent(ctx: AppContext, caller: Caller): Promise<EnrolmentAgentView> {
  requireRole(caller, 'viewer');

  const agent = await findChosenAgent(ctx);
  return agent ? toAgentView(agent) : emptyAgentView();
}

/** Chooses which uploaded APK QR codes install as the device-owner agent. */
export async function setEnrolmentAgent(
  ctx: AppContext,
  caller: Caller,
  input: { appVersionId: string; adminComponent?: string },
): Promise<EnrolmentAgentView> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Choosing the agent APK');

  const version = await ctx.store.apps.findVersionWithPackage(input.appVersionId);
  if (!version) {
    throw new NotFoundError(
      `App version ${input.appVersionId} was not found. Upload the agent APK, then take its version id from the app list.`,
      'body.appVersionId',
    );
  }

  const adminComponent = input.adminComponent ?? `${version.package_name}/${DEFAULT_ADMIN_RECEIVER}`;
  if (!new RegExp(ADMIN_COMPONENT_PATTERN).test(adminComponent)) {
    throw new InvalidInputError(
      `Invalid adminComponent "${adminComponent}": expected package/class, such as com.hmdm.launcher/com.hmdm.launcher.AdminReceiver.`,
      'body.adminComponent',
    );
  }
  const componentPackage = adminComponent.slice(0, adminComponent.indexOf('/'));
  if (componentPackage !== version.package_name) {
    throw new InvalidInputError(
      `The adminComponent names package ${componentPackage}, but the chosen APK is ${version.package_name}. ` +
        'Android looks the receiver up in the installed APK, so both must name the same package.',
      'body.adminComponent',
    );
  }

  const now = ctx.now();
  const setting: AgentSetting = { appVersionId: version.id, adminComponent };
  await ctx.store.settings.set(AGENT_SETTING_KEY, setting, now);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'enrolment.agent.set',
      targetType: 'app_version',
      targetId: version.id,
      details: { packageName: version.package_name, versionCode: version.version_code, adminComponent },
    },
    now,
  );
  return toAgentView({ version, adminComponent });
}

/** Returns the chosen agent, or throws ConflictError telling the admin how to choose one. */
export async function requireChosenAgent(ctx: AppContext): Promise<ChosenAgent> {
  const agent = await findChosenAgent(ctx);
  if (agent) return agent;

  throw new ConflictError(
    'agent_not_chosen',
    'No agent APK is chosen for enrolment. Upload the Headwind MDM agent APK under Apps, ' +
      'then choose it with PUT /api/v1/enrolment/agent (Enrolment page in the console).',
  );
}

async function findChosenAgent(ctx: AppContext): Promise<ChosenAgent | null> {
  const setting = await ctx.store.settings.get<AgentSetting>(AGENT_SETTING_KEY);
  if (!setting) return null;

  const version = await ctx.store.apps.findVersionWithPackage(setting.appVersionId);
  if (!version) {
    ctx.logger.warn({ appVersionId: setting.appVersionId }, 'chosen enrolment agent version no longer exists');
    return null;
  }
  return { version, adminComponent: setting.adminComponent };
}

function toAgentView(agent: ChosenAgent): EnrolmentAgentView {
  return {
    appVersionId: agent.version.id,
    packageName: agent.version.package_name,
    versionCode: agent.version.version_code,
    fileChecksum: toUrlSafeBase64(agent.version.file_sha256),
    signatureChecksum: toUrlSafeBase64(agent.version.signer_sha256),
    adminComponent: agent.adminComponent,
  };
}

function emptyAgentView(): EnrolmentAgentView {
  return {
    appVersionId: null,
    packageName: null,
    versionCode: null,
    fileChecksum: null,
    signatureChecksum: null,
    adminComponent: null,
  };
}
