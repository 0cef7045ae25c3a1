/** The scenario the editor opens with: one mock domain, one mapping, pins checked. */
export const DEFAULT_SCENARIO = `// PFN Lab scenario: attach a mock domain, map 1 MiB, check the pins, unmap.
// \`lab\` is the only global; hover any call for its documentation.
const MiB = 1024 * 1024;

const buf = lab.process.mmap(MiB, { populate: true });
const ictx = lab.open();
const ioas = ictx.ioasAlloc();
const domain = ioas.attachDomain(); // mock domain: IOVAs come from its aperture
lab.checkRefs(buf, MiB, 0);

const iova = ioas.map(buf, MiB); // fills the domain: every page pinned once
lab.log('mapped at', iova);
lab.checkRefs(buf, MiB, 1);
domain.checkMap(iova, MiB, buf);

ioas.unmap(iova, MiB); // unpins
lab.checkRefs(buf, MiB, 0);
lab.log('pages pinned and unpinned:', lab.counters().pagesPinned, lab.counters().pagesUnpinned);
`;
