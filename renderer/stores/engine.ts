/** The engine connection: which host serves it and the version round trip. */
import { defineStore } from 'pinia';
import type { LabHost, VersionInfo } from '../../electron/shared/lab-api';
import { getLabApi } from '../lab';

export type EngineStatus = 'idle' | 'connecting' | 'ready' | 'error';

export const useEngineStore = defineStore('engine', {
  state: () => ({
    status: 'idle' as EngineStatus,
    host: null as LabHost | null,
    version: null as VersionInfo | null,
    /** Round trip of the last version request, ms. */
    roundTripMs: null as number | null,
    error: null as { errno: string; message: string } | null,
  }),
  actions: {
    async connect(): Promise<void> {
      const api = getLabApi();
      this.host = api.host;
      this.status = 'connecting';
      this.error = null;
      const t0 = performance.now();
      const r = await api.call('version', {});
      this.roundTripMs = performance.now() - t0;
      if (r.ok) {
        this.version = r.value;
        this.status = 'ready';
      } else {
        this.version = null;
        this.error = { errno: r.error.errno, message: r.error.message };
        this.status = 'error';
      }
    },
  },
});
