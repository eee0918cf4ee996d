// Public surface of the device simulator, for the CLI, the demo and tests.
export { startFleet, type Fleet, type FleetOptions } from './fleet.js';
export type { AgentFaults } from './agent-calls.js';
export { SimulatedAgent } from './agent.js';
export { QrError, parseProvisioningJson, type AgentSettings } from './qr-extras.js';
export { ProvisioningError } from './provisioning.js';
export type { AgentCounters, AgentStatus, FleetStats } from './stats.js';
