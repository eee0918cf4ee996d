export { registerMetrics } from './http.js';
export { instrumentJobs } from './job-metrics.js';
export { metricsFor, type OutpostMetrics } from './registry.js';
