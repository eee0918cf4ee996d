/** Action counts of one agent since the fleet started. Tests use them to check that no action ran twice. */
export interface AgentCounters {
  enrolments: number;
  /** Config responses accepted, enrolments included. */
  syncs: number;
  syncFailures: number;
  infos: number;
  infoFailures: number;
  polls: number;
  /** Successful MQTT connections, reconnects included. */
  mqttConnects: number;
  pushMessages: number;
  downloads: number;
  bytes: number;
  installs: number;
  installFailures: number;
  removals: number;
  reboots: number;
  resets: number;
  passwordResets: number;
  /** Config responses whose X-Response-Signature was missing or wrong. */
  signatureMismatches: number;
  /** Downloads whose bytes did not match the Repr-Digest header. */
  digestMismatches: number;
  /** Downloads that came without a Repr-Digest header. They are installed, as the agent would. */
  digestMissing: number;
  /** Long-poll responses the agent could not parse. */
  pushParseErrors: number;
  networkErrors: number;
  /** Downloads per "package@versionName". */
  downloadsByVersion: Record<string, number>;
}

export function newCounters(): AgentCounters {
  return {
    enrolments: 0,
    syncs: 0,
    syncFailures: 0,
    infos: 0,
    infoFailures: 0,
    polls: 0,
    mqttConnects: 0,
    pushMessages: 0,
    downloads: 0,
    bytes: 0,
    installs: 0,
    installFailures: 0,
    removals: 0,
    reboots: 0,
    resets: 0,
    passwordResets: 0,
    signatureMismatches: 0,
    digestMismatches: 0,
    digestMissing: 0,
    pushParseErrors: 0,
    networkErrors: 0,
    downloadsByVersion: {},
  };
}

export type AgentStatus = 'starting' | 'running' | 'rebooting' | 'wiping' | 'device-not-found' | 'stopped';

/** The part of an agent the fleet summary reads. */
export interface AgentView {
  status: AgentStatus;
  enrolled: boolean;
  lastSyncAt: number | null;
  installedVersions(): Array<{ pkg: string; versionName: string | null }>;
  counters: AgentCounters;
}

type SummedCounter = Exclude<keyof AgentCounters, 'downloadsByVersion'>;

export interface FleetStats {
  agents: number;
  enrolled: number;
  /** Agents with at least one accepted config response. */
  synced: number;
  byStatus: Partial<Record<AgentStatus, number>>;
  /** Agents with each installed "package@versionName". */
  installed: Record<string, number>;
  totals: Record<SummedCounter, number>;
}

/** Adds up the counters and states of every agent. */
export function summarize(agents: readonly AgentView[]): FleetStats {
  const totals = {} as Record<SummedCounter, number>;
  for (const key of Object.keys(newCounters()) as Array<keyof AgentCounters>) {
    if (key !== 'downloadsByVersion') totals[key] = 0;
  }

  const stats: FleetStats = { agents: agents.length, enrolled: 0, synced: 0, byStatus: {}, installed: {}, totals };
  for (const agent of agents) {
    if (agent.enrolled) stats.enrolled += 1;
    if (agent.lastSyncAt !== null) stats.synced += 1;
    stats.byStatus[agent.status] = (stats.byStatus[agent.status] ?? 0) + 1;

    for (const app of agent.installedVersions()) {
      const key = `${app.pkg}@${app.versionName ?? '?'}`;
      stats.installed[key] = (stats.installed[key] ?? 0) + 1;
    }
    for (const key of Object.keys(totals) as SummedCounter[]) totals[key] += agent.counters[key];
  }
  return stats;
}

/** Formats the one-line status the CLI prints every few seconds. */
export function statusLine(stats: FleetStats, at = new Date()): string {
  const t = stats.totals;
  const installed = Object.entries(stats.installed)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
  const errors =
    t.syncFailures + t.infoFailures + t.installFailures + t.signatureMismatches + t.pushParseErrors;
  const notFound = stats.byStatus['device-not-found'] ?? 0;

  return [
    at.toISOString().slice(11, 19),
    `enrolled ${stats.enrolled}/${stats.agents}`,
    `synced ${stats.synced}`,
    `syncs ${t.syncs}`,
    `infos ${t.infos}`,
    `downloads ${t.downloads} (${formatBytes(t.bytes)})`,
    `installed: ${installed || 'none'}`,
    `errors ${errors} (sync ${t.syncFailures}, info ${t.infoFailures}, install ${t.installFailures}, ` +
      `signature ${t.signatureMismatches}, push ${t.pushParseErrors}, network ${t.networkErrors})`,
    ...(notFound > 0 ? [`device not found ${notFound}`] : []),
  ].join(' | ');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
