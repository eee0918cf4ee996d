import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser and simulator tests start real servers; running files one at a
    // time on a 2-core machine keeps their timings stable.
    fileParallelism: false,
  },
});
