import { InvalidArgumentError, type Command } from 'commander';

import { startFleet } from '../../simulator/index.js';
import type { Caller } from '../auth/caller.js';
import { agentBaseUrl, loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { ConflictError } from '../domain/errors.js';
import { AGENT_EXTRAS_KEYS, PROVISIONING_KEYS } from '../domain/provisioning.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { createEnrolmentToken, MAX_TOKEN_HOURS } from '../services/admin/enrolment-tokens.js';
import { createOrgUnit } from '../services/admin/org-units.js';
import { createPolicy } from '../services/admin/policy-save.js';
import { getProvisioningPayload } from '../services/admin/provisioning-qr.js';
import { runUntilStopped } from './simulate.js';

// A simulated hour per real minute: 15-minute reports arrive every 15 s, so
// the console changes while one watches it.
const DEMO_SPEED = 60;
const DEFAULT_AGENT_COUNT = 25;
const DEFAULT_PORT = 8080;
// Beside, not inside, the default installation's database, so the demo never adds phones to it.
const DEFAULT_DEMO_DATA_DIR = './data/demo';
const STATUS_INTERVAL_SECONDS = 5;
// A fixed seed gives the same phones on every run, so a restart does not add records.
const DEMO_SEED = 2024;

const DEMO_ORG_UNIT = { id: 'demo-district', name: 'Demo district' };
const DEMO_POLICY_NAME = 'Demo policy';
const DEMO_TOKEN_LABEL = 'Demo fleet';

/** The demo acts as this console user in audit records. */
const DEMO_CALLER: Caller = { userId: 'demo', username: 'demo', role: 'admin' };

interface DemoFlags {
  port: number;
  count: number;
  dataDir: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start a server on 127.0.0.1 with a demo policy and a fleet of simulated phones')
    .option('--port <number>', 'TCP port of the server', port, DEFAULT_PORT)
    .option('--count <n>', 'number of simulated phones', positiveInteger, DEFAULT_AGENT_COUNT)
    .option('--data-dir <path>', 'directory for the demo database and files', DEFAULT_DEMO_DATA_DIR)
    .action(async (flags: DemoFlags) => {
      await runDemo(flags);
    });
}

async function runDemo(flags: DemoFlags): Promise<void> {
  // The server listens on loopback only. OUTPOST_PUBLIC_URL may still name a proxy in front of it.
  const publicUrl = process.env.OUTPOST_PUBLIC_URL ? undefined : `http://127.0.0.1:${flags.port}`;
  const config = loadConfig({ host: '127.0.0.1', port: flags.port, dataDir: flags.dataDir, publicUrl });
  // Info logs would drown the status lines. OUTPOST_LOG_LEVEL still overrides this level.
  const logger = createLogger(process.env.OUTPOST_LOG_LEVEL ?? 'warn');

  let passwordShown = false;
  const server = await startServer(config, logger, {
    announce: (line) => {
      passwordShown = true;
      process.stdout.write(`${line}\n`);
    },
  });

  try {
    const qr = await demoQr(server.ctx);
    const fleet = await startFleet({ qr, count: flags.count, speed: DEMO_SPEED, seed: DEMO_SEED, serverUrl: server.listenUrl });

    process.stdout.write(
      [
        '',
        `Outpost demo: console at ${config.publicUrl.href}`,
        passwordShown
          ? 'Log in as "admin" with the password above.'
          : `Log in as "admin" with the password printed when ${config.dataDir} was first used ` +
            '(or set a new one with "outpost admin reset-password admin").',
        `${flags.count} simulated phones run at ${DEMO_SPEED}x: one agent hour per real minute. Press Ctrl-C to stop.`,
        '',
      ].join('\n'),
    );
    await runUntilStopped(fleet, STATUS_INTERVAL_SECONDS);
  } finally {
    await server.close();
  }
}

/**
 * Returns the provisioning JSON for the demo token, creating the org unit,
 * policy and token on the first run. With an agent APK chosen it is the QR
 * the admin API serves. Without one (a fresh clone has none) it is the admin
 * extras alone, which is all a simulated agent reads.
 */
async function demoQr(ctx: AppContext): Promise<Record<string, unknown>> {
  const tokenId = await ensureDemoToken(ctx);
  try {
    return await getProvisioningPayload(ctx, DEMO_CALLER, tokenId);
  } catch (error) {
    if (!(error instanceof ConflictError && error.code === 'agent_not_chosen')) throw error;
  }

  return {
    [PROVISIONING_KEYS.adminExtras]: {
      [AGENT_EXTRAS_KEYS.baseUrl]: agentBaseUrl(ctx.config),
      [AGENT_EXTRAS_KEYS.serverProject]: ctx.config.projectPath,
      [AGENT_EXTRAS_KEYS.configuration]: tokenId,
    },
  };
}

async function ensureDemoToken(ctx: AppContext): Promise<string> {
  if (!(await ctx.store.orgUnits.findById(DEMO_ORG_UNIT.id))) {
    await createOrgUnit(ctx, DEMO_CALLER, DEMO_ORG_UNIT);
  }

  const policy = (await ctx.store.policies.findByName(DEMO_POLICY_NAME)) ?? (await createDemoPolicy(ctx));
  const now = ctx.now();
  const reusable = (await ctx.store.enrolment.list()).find(
    (token) =>
      token.label === DEMO_TOKEN_LABEL &&
      token.policy_id === policy.id &&
      token.revoked_at === null &&
      (token.expires_at === null || token.expires_at > now) &&
      (token.uses_left === null || token.uses_left > 0),
  );
  if (reusable) return reusable.id;

  const token = await createEnrolmentToken(ctx, DEMO_CALLER, {
    policyId: policy.id,
    orgUnitId: DEMO_ORG_UNIT.id,
    label: DEMO_TOKEN_LABEL,
    expiresInHours: MAX_TOKEN_HOURS,
  });
  return token.id;
}

async function createDemoPolicy(ctx: AppContext): Promise<{ id: string }> {
  return createPolicy(ctx, DEMO_CALLER, {
    name: DEMO_POLICY_NAME,
    description: 'Created by "outpost demo" for the simulated phones.',
    settings: { pushMode: 'polling', restrictions: ['no_config_tethering'] },
  });
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) {
    throw new InvalidArgumentError(`expected a TCP port from 1 to 65535, got "${value}".`);
  }
  return parsed;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}".`);
  return parsed;
}
