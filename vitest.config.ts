import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { configDefaults, defineConfig } from 'vitest/config';

/** `electron` resolves to a module that throws unless the test mocks it (see the guard). */
const electronGuard = {
  find: /^electron$/,
  replacement: fileURLToPath(new URL('./tests/unit/electron-guard.ts', import.meta.url)),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: [electronGuard] },
        test: {
          name: 'engine',
          environment: 'node',
          include: [
            'engine/**/*.test.ts',
            'cli/**/*.test.ts',
            'electron/**/*.test.ts',
            'tests/unit/**/*.test.ts',
            'tests/scenarios/**/*.test.ts',
            'fuzz/**/*.test.ts',
            'bench/**/*.test.ts',
            'oracle/**/*.test.ts',
            'tests/bad-input/**/*.test.ts',
          ],
          // Tests that boot the oracle kernel or need its built headers run in `npm run oracle:test` (oracle/vitest.guest.config.ts).
          exclude: [...configDefaults.exclude, 'oracle/**/*.guest.test.ts', 'oracle/**/*.host.test.ts'],
          testTimeout: 60000,
        },
      },
      {
        plugins: [vue()],
        resolve: { alias: [electronGuard] },
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
