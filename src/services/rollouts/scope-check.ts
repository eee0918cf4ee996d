import type { AppContext } from '../../context.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { DeviceScope } from '../../domain/rollout-scope.js';

/** Rejects a scope that names a policy, org unit or device that does not exist. */
export async function checkScope(ctx: AppContext, scope: DeviceScope, field: string): Promise<void> {
  for (const id of scope.policyIds) {
    if (!(await ctx.store.policies.findById(id))) throw new InvalidInputError(`Policy ${id} in the scope was not found.`, `${field}.policyIds`);
  }
  for (const id of scope.orgUnitIds) {
    if (!(await ctx.store.orgUnits.findById(id))) throw new InvalidInputError(`Org unit ${id} in the scope was not found.`, `${field}.orgUnitIds`);
  }
  for (const id of scope.deviceIds) {
    if (!(await ctx.store.devices.findByPk(id))) {
      throw new InvalidInputError(`Device ${id} in the scope was not found; give device record ids from the device list.`, `${field}.deviceIds`);
    }
  }
}
