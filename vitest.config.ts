import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          environment: 'node',
          include: [
            'engine/**/*.test.ts',
            'cli/**/*.test.ts',
            'electron/**/*.test.ts',
            'tests/unit/**/*.test.ts',
            'tests/scenarios/**/*.test.ts',
          ],
          testTimeout: 60000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['renderer/**/*.test.ts'],
          testTimeout: 30000,
        },
      },
    ],
  },
});
