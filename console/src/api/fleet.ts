import { request } from './client.js';
import type { FleetSummary } from './types.js';

export function fetchFleetSummary(): Promise<FleetSummary> {
  return request<FleetSummary>('GET', 'fleet/summary');
}
