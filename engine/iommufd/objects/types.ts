/**
 * What the iommufd objects use of one another, declared once at the bottom
 * of objects/ so that no object file imports another in a loop: a context
 * holds its objects (IOAS, device/domain, access) by id, an IOAS lists the
 * domains and accesses attached to it, and each of those points back at its
 * IOAS and context (like the kernel's iommufd_object and iommufd_ctx).
 * The classes (ioas.ts, device.ts, access.ts, context.ts) implement these.
 */
import type { Kernel } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import type { AccountContext, IoPagetable } from '../io-pagetable/io-pagetable';

export type IommufdObjectKind = 'ioas' | 'selftest' | 'device' | 'hw_pagetable' | 'access';

/** struct iommufd_object, as the context sees it: destroyed when the fd closes. */
export interface IommufdObject {
  /** Destroy without argument checks (close path); cannot fail. */
  destroyForClose(): void;
}

/** What an object uses of its iommufd context (ids, lookups, the caller). */
export interface ObjectContext extends AccountContext {
  readonly kernel: Kernel;
  /** The process that opened the context: the caller of its ioctls. */
  readonly owner: Process;
  readonly env: {
    domainCreated(d: IommuDomain): void;
    /** Strategy 'iommufd+batch-api': every new domain gets the batch API (DomainOptions.batchApi). */
    readonly batchApiAll?: boolean;
  };
  /** Reserve an id for an object not constructed yet (filled by setObject). */
  reserveId(kind: IommufdObjectKind): number;
  setObject(id: number, kind: IommufdObjectKind, obj: IommufdObject): void;
  freeId(id: number): void;
  /** The context must be open (every ioctl on a closed fd fails). */
  checkOpen(what: string): void;
  /** iommufd_get_object's fault injection point. */
  getObjectFault(what: string): void;
  /** A process argument (default: the owner). */
  processArg(v: unknown, name: string): Process;
}

/** What a device (domain) or an access uses of the IOAS it is attached to. */
export interface AttachedIoas {
  readonly ctx: ObjectContext;
  readonly id: number;
  readonly iopt: IoPagetable;
  /** The IOAS's lists of attached domains and accesses (each adds and removes itself). */
  readonly domains: IommufdObject[];
  readonly accesses: IommufdObject[];
  /** iommufd_get_ioas: ENOENT when destroyed, with the fault point. */
  lookup(what: string): void;
}
