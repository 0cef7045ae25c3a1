/**
 * The storage backend Machine delegates to under 'naive' and 'vfio-type1':
 * the open contexts, and the digest, invariants and inspection over them.
 */
import type { InspectAnswer, InspectQuery } from '../../base/inspect-types';
import type { Process } from '../../mm';
import type { MachineDigest } from '../digest';
import { StrategyCtx, type IoasFactory } from './context';
import { strategyDigest } from './digest';
import { strategyInspect } from './inspect';
import { strategyViolations } from './invariants';
import type { StrategyName } from './names';
import type { BackendEnv, StrategyBackend } from './types';

export class Backend implements StrategyBackend {
  private readonly open_: StrategyCtx[] = [];

  constructor(
    readonly name: StrategyName,
    private readonly env: BackendEnv,
    private readonly newIoas: IoasFactory,
  ) {}

  open(owner: Process): StrategyCtx {
    const ctx = new StrategyCtx(this.name, this.env, owner, this.newIoas, (c) => {
      const i = this.open_.indexOf(c);
      if (i >= 0) this.open_.splice(i, 1);
    });
    this.open_.push(ctx);
    return ctx;
  }

  openCount(): number {
    return this.open_.length;
  }

  contexts(): readonly StrategyCtx[] {
    return this.open_;
  }

  closeAll(): void {
    for (const c of [...this.open_]) c.close();
  }

  digest(): MachineDigest {
    return strategyDigest(this.env.memory, this.open_);
  }

  violations(deep: boolean): string[] {
    return strategyViolations(this.env.kernel, this.env.memory, this.open_, deep);
  }

  inspect(queries: readonly InspectQuery[]): InspectAnswer[] {
    return strategyInspect(this.env.memory, this.open_, queries);
  }
}
