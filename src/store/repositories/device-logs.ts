import type { Db } from '../database.js';
import { newId } from '../ids.js';

export interface DeviceLogLine {
  loggedAt: number;
  logLevel: number;
  packageName: string;
  message: string;
}

/** Remote-log rules sent to agents and the log lines they upload. */
export class DeviceLogRepository {
  constructor(private readonly db: Db) {}

  /** Lists rules of the policy and rules for every policy. */
  async listRules(policyId: string | null) {
    let query = this.db.selectFrom('log_rules').selectAll();
    query = policyId
      ? query.where((eb) => eb.or([eb('policy_id', 'is', null), eb('policy_id', '=', policyId)]))
      : query.where('policy_id', 'is', null);
    return query.orderBy('package_name').execute();
  }

  async insertRule(rule: { policyId: string | null; packageName: string; logLevel: number; filter: string }, now = Date.now()) {
    const id = newId();
    await this.db
      .insertInto('log_rules')
      .values({ id, policy_id: rule.policyId, package_name: rule.packageName, log_level: rule.logLevel, filter: rule.filter, created_at: now })
      .execute();
    return id;
  }

  async append(devicePk: string, lines: DeviceLogLine[], receivedAt: number): Promise<void> {
    if (lines.length === 0) return;
    await this.db
      .insertInto('device_logs')
      .values(
        lines.map((line) => ({
          id: newId(),
          device_pk: devicePk,
          logged_at: line.loggedAt,
          log_level: line.logLevel,
          package_name: line.packageName,
          message: line.message,
          received_at: receivedAt,
        })),
      )
      .execute();
  }

  async listForDevice(devicePk: string, limit: number) {
    return this.db
      .selectFrom('device_logs')
      .selectAll()
      .where('device_pk', '=', devicePk)
      .orderBy('logged_at', 'desc')
      .limit(limit)
      .execute();
  }
}
