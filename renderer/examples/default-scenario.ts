/** The scenario the editor opens with: one mapping, one mock domain, pins checked. */
export const DEFAULT_SCENARIO = `// PFN Lab scenario: map 1 MiB into an IOAS, attach a mock domain, check the pins.
// \`lab\` is the only global; hover any call for its documentation.
const MiB = 1024 * 1024;

const buf = lab.process.mmap(MiB, { populate: true });
const ictx = lab.open();
const ioas = ictx.ioasAlloc();

const iova = ioas.map(buf, MiB);
lab.log('mapped at', iova);
lab.checkRefs(buf, MiB, 0); // no domain yet: pages stay unpinned

const domain = ioas.attachDomain(); // fills the domain: every page pinned once
lab.checkRefs(buf, MiB, 1);
domain.checkMap(iova, MiB, buf);

ioas.unmap(iova, MiB);
lab.checkRefs(buf, MiB, 0);
lab.log(lab.counters());
`;
