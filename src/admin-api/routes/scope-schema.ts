import { Type } from '@sinclair/typebox';

// A scope lists at most a few thousand ids; larger sets are better expressed by policy or org unit.
const MAX_SCOPE_IDS = 5000;
const Ids = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: MAX_SCOPE_IDS, description });

/** Scope of a rollout or pin as the API returns it. */
export const ScopeSchema = Type.Object({
  policyIds: Type.Array(Type.String()),
  orgUnitIds: Type.Array(Type.String()),
  deviceIds: Type.Array(Type.String()),
});

/** Scope in a request; every list is optional, and an empty scope covers every device. */
export const ScopeBody = Type.Object(
  {
    policyIds: Type.Optional(Ids('Devices of these policies.')),
    orgUnitIds: Type.Optional(Ids('Devices in these org units or below them.')),
    deviceIds: Type.Optional(Ids('Device record ids, always in scope; in a rollout they are pilots, selected from the first stage.')),
  },
  { additionalProperties: false },
);
