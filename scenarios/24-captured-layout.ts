/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 24 — A real process's memory: what its captured PFN layout costs to map
 *
 * WHAT IT TEACHES
 *   The cost of IOMMU_IOAS_MAP is set by the physical layout of the memory,
 *   and a real machine's is not the emulator's: a long-running machine
 *   hands out 4 KiB frames all over its memory. `pfnlab capture` read the
 *   frames behind 4 MiB of a real process (scenarios/layouts/: the first
 *   2 MiB plain 4 KiB pages, the second 2 MiB with MADV_HUGEPAGE, which
 *   became one transparent huge page) from /proc/PID/pagemap and
 *   /proc/kpageflags; `mmap(len, { layout })` backs an emulated mapping with
 *   frames placed the same way (contiguous where they were contiguous, the
 *   THP a THP). Mapping it then costs what it would cost the real process:
 *   - one iommu_map per contiguous run, in every domain (batch_to_domain);
 *   - IO pages: one per 4 KiB page of the fragmented half, one 2 MiB leaf
 *     for the THP where the domain has 2 MiB pages (x86_64), 512 where not;
 *   - page-table pages of the domain (tableBytes), the same either way here
 *     (4 MiB lies within one leaf table's reach).
 *   Emulated 4 KiB memory of the same size is compared on the same domains.
 *
 * KERNEL FUNCTIONS
 *   pages.c: batch_add_pfn, batch_from_pages, batch_to_domain,
 *            iopt_area_fill_domains, __iopt_area_unfill_domain
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "map the captured layout": iommuMapCalls = 2 × the layout's runs (two
 *   domains), pagesPinned = 1024, pageFaults = 0 (the layout's pages are
 *   present); "map emulated 4 KiB memory": the emulator's own runs (they
 *   depend on the seed and the fragmentation setting).
 *
 * THE LAYOUT
 *   capturedLayout() at the end of this file is
 *   scenarios/layouts/python-4m.layout.json (its source.command is the
 *   command that made it); a scenario has no file access, so it carries the
 *   layout itself. Pass any capture as a JSON string or object.
 */

const PAGE = lab.PAGE_SIZE;
const LEN = 4 * 1024 * 1024;
const NPAGES = LEN / PAGE;

// the default fragmentation (0.5): the emulator's own 4 KiB frames come in runs of ~30
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 0 });

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

const layout = capturedLayout();
const info = lab.layout(layout);
lab.log(
  `captured: ${info.pages} pages, ${info.frames} present, ${info.runs} contiguous runs ` +
    `(${info.hugeRuns} THP), ${info.physicalBlocks} physical blocks`,
);
expect('layout pages', info.pages, NPAGES);

interface Row {
  memory: string;
  pageFaults: number;
  mapCalls: number;
  ioPages2M: number;
  ioPages4K: number;
  tablePages: number;
}

const ctx = lab.open();

function study(memory: string, buf: number): Row {
  lab.mark(`${memory}: map 4 MiB into an x86_64 domain and a 4 KiB-only one`);
  const ioas = ctx.ioasAlloc();
  const big = ioas.attachDomain({ kind: 'pagetable', format: 'x86_64' });
  const small = ioas.attachDomain({ kind: 'pagetable', format: 'x86_64', pageSizes: [PAGE] });
  let iova = 0n;
  const c = lab.measure(`map ${memory}`, () => {
    iova = ioas.map(buf, LEN);
  });
  expect(`${memory}: pages pinned`, c.pagesPinned, NPAGES);
  big.checkMap(iova, LEN, buf);
  // one iommu_map per run, the same in each domain
  const runs = big.stats().mapCalls;
  expect(`${memory}: iommu_map calls`, c.iommuMapCalls, 2 * runs);
  expect(`${memory}: 4 KiB-only domain map calls`, small.stats().mapCalls, runs);
  expect(`${memory}: 4 KiB-only domain IO pages`, small.stats().ioPagesMapped, NPAGES);
  const row = {
    memory,
    mapCalls: runs,
    ioPages2M: big.stats().ioPagesMapped,
    ioPages4K: small.stats().ioPagesMapped,
    tablePages: big.stats().tableBytes / PAGE,
  };
  lab.log(row);
  ioas.unmap(iova, LEN);
  lab.checkRefs(buf, LEN, 0);
  big.detach();
  small.detach();
  ioas.destroy();
  return { ...row, pageFaults: c.pageFaults };
}

// emulated memory first: the frames between the layout's blocks stay free,
// and later 4 KiB allocations would take them one by one
const emulated = lab.process.mmap(LEN, { populate: true });
const captured = lab.process.mmap(LEN, { layout });

const rCaptured = study('the captured layout', captured);
const rEmulated = study('emulated 4 KiB memory', emulated);

lab.mark('compare');
// the emulated mapping reproduces the capture's run structure exactly: one
// iommu_map per run of the file
expect('iommu_map calls per domain for the captured layout', rCaptured.mapCalls, info.runs);
expect('page faults while pinning the captured layout', rCaptured.pageFaults, 0);
// the THP half is one 2 MiB IO page in the x86_64 domain
expect('x86_64 IO pages', rCaptured.ioPages2M, NPAGES - info.hugeRuns * 511);
expect('x86_64 IO pages of emulated 4 KiB memory', rEmulated.ioPages2M, NPAGES);
lab.log(
  `iommu_map calls per domain for 4 MiB: captured ${rCaptured.mapCalls}, emulated ${rEmulated.mapCalls}; ` +
    `IO pages (x86_64): ${rCaptured.ioPages2M} vs ${rEmulated.ioPages2M}`,
);

lab.mark('teardown');
ctx.close();
lab.process.munmap(captured, LEN);
lab.process.munmap(emulated, LEN);
lab.log(`ok: the real layout costs ${info.runs} iommu_map calls per domain`);

// ---- scenarios/layouts/python-4m.layout.json ---------------------------
function capturedLayout(): LayoutFile {
  return {
    format: 'pfnlab-layout',
    version: 1,
    pageSize: 4096,
    start: '0x7fdd65400000',
    pages: 1024,
    source: {
      command:
        "pfnlab capture --pid 16499 --range 7fdd65400000-7fdd65800000 --note 'python3 scenarios/layouts/thp-child.py: 4 MiB written, MADV_HUGEPAGE on the second half' --out scenarios/layouts/python-4m.layout.json",
      capturedAt: '2026-12-02T02:29:22.170Z',
      host: 'vm',
      kernel: '6.18.44-fc-v1045',
      note: 'python3 scenarios/layouts/thp-child.py: 4 MiB written, MADV_HUGEPAGE on the second half',
    },
    // [first virtual page offset, first PFN, count, flags: 1 present, 2 THP]
    runs: [
      [0, 2963151, 1, 1],
      [1, 2963150, 1, 1],
      [2, 2710280, 1, 1],
      [3, 3475649, 1, 1],
      [4, 3761934, 1, 1],
      [5, 2778637, 1, 1],
      [6, 2778636, 1, 1],
      [7, 2801019, 1, 1],
      [8, 3761935, 1, 1],
      [9, 3100382, 1, 1],
      [10, 3425639, 1, 1],
      [11, 3425638, 1, 1],
      [12, 1670377, 1, 1],
      [13, 1670376, 1, 1],
      [14, 3100383, 1, 1],
      [15, 3125958, 1, 1],
      [16, 3340311, 1, 1],
      [17, 3340310, 1, 1],
      [18, 3387917, 1, 1],
      [19, 1965294, 1, 1],
      [20, 3125959, 1, 1],
      [21, 3428286, 1, 1],
      [22, 2744942, 1, 1],
      [23, 2422211, 1, 1],
      [24, 2422210, 1, 1],
      [25, 3132129, 1, 1],
      [26, 3132128, 1, 1],
      [27, 3433461, 1, 1],
      [28, 3433460, 1, 1],
      [29, 2780029, 1, 1],
      [30, 2780028, 1, 1],
      [31, 2516216, 1, 1],
      [32, 1535050, 1, 1],
      [33, 2783495, 1, 1],
      [34, 2783494, 1, 1],
      [35, 3682562, 1, 1],
      [36, 3537210, 1, 1],
      [37, 2314185, 1, 1],
      [38, 2314184, 1, 1],
      [39, 1242953, 1, 1],
      [40, 1242952, 1, 1],
      [41, 2350871, 1, 1],
      [42, 3445639, 1, 1],
      [43, 2831693, 1, 1],
      [44, 2831692, 1, 1],
      [45, 3211331, 1, 1],
      [46, 2847100, 1, 1],
      [47, 3133513, 2, 1],
      [49, 2500785, 1, 1],
      [50, 3742181, 1, 1],
      [51, 3163374, 1, 1],
      [52, 3717910, 1, 1],
      [53, 3765290, 1, 1],
      [54, 2807799, 1, 1],
      [55, 3796286, 1, 1],
      [56, 2427607, 1, 1],
      [57, 3168391, 1, 1],
      [58, 2890571, 1, 1],
      [59, 3207670, 1, 1],
      [60, 2321518, 1, 1],
      [61, 3402208, 1, 1],
      [62, 2402616, 2, 1],
      [64, 2392827, 1, 1],
      [65, 2585212, 1, 1],
      [66, 3357944, 1, 1],
      [67, 2607020, 1, 1],
      [68, 2756372, 2, 1],
      [70, 3267834, 1, 1],
      [71, 3681866, 2, 1],
      [73, 3481990, 1, 1],
      [74, 3579756, 1, 1],
      [75, 1929256, 2, 1],
      [77, 3401821, 1, 1],
      [78, 3378973, 1, 1],
      [79, 3394792, 2, 1],
      [81, 2599036, 2, 1],
      [83, 3782318, 2, 1],
      [85, 2393824, 2, 1],
      [87, 1434332, 2, 1],
      [89, 2736780, 2, 1],
      [91, 3167708, 1, 1],
      [92, 2386757, 1, 1],
      [93, 3777162, 1, 1],
      [94, 3777160, 1, 1],
      [95, 1935630, 1, 1],
      [96, 3681970, 1, 1],
      [97, 2117363, 1, 1],
      [98, 3394416, 1, 1],
      [99, 2867327, 1, 1],
      [100, 3645258, 4, 1],
      [104, 3645263, 1, 1],
      [105, 2450072, 8, 1],
      [113, 3215652, 1, 1],
      [114, 2825613, 1, 1],
      [115, 3205429, 1, 1],
      [116, 2298211, 1, 1],
      [117, 2896374, 1, 1],
      [118, 2628086, 1, 1],
      [119, 2612931, 1, 1],
      [120, 3307829, 1, 1],
      [121, 3307828, 1, 1],
      [122, 1989841, 1, 1],
      [123, 1989847, 1, 1],
      [124, 2930235, 1, 1],
      [125, 1898349, 1, 1],
      [126, 2869822, 1, 1],
      [127, 3384411, 1, 1],
      [128, 2746410, 1, 1],
      [129, 3523069, 1, 1],
      [130, 2647598, 1, 1],
      [131, 2684402, 5, 1],
      [136, 2684409, 7, 1],
      [143, 2383424, 11, 1],
      [154, 2684408, 1, 1],
      [155, 2383435, 2, 1],
      [157, 3050818, 1, 1],
      [158, 2201320, 1, 1],
      [159, 3699011, 1, 1],
      [160, 3699014, 26, 1],
      [186, 3520704, 6, 1],
      [192, 3003092, 2, 1],
      [194, 3520710, 2, 1],
      [196, 3520716, 15, 1],
      [211, 3520732, 4, 1],
      [215, 3803392, 2, 1],
      [217, 3803400, 1, 1],
      [218, 1761273, 3, 1],
      [221, 1761279, 1, 1],
      [222, 1761276, 1, 1],
      [223, 2680180, 3, 1],
      [226, 2680177, 1, 1],
      [227, 2680160, 1, 1],
      [228, 2680185, 1, 1],
      [229, 2680175, 1, 1],
      [230, 1761278, 1, 1],
      [231, 3699010, 1, 1],
      [232, 3682897, 1, 1],
      [233, 1940182, 1, 1],
      [234, 2756923, 1, 1],
      [235, 3699009, 1, 1],
      [236, 1761250, 1, 1],
      [237, 2740824, 1, 1],
      [238, 1953869, 2, 1],
      [240, 1527876, 1, 1],
      [241, 3745669, 1, 1],
      [242, 2958024, 1, 1],
      [243, 2507672, 1, 1],
      [244, 3156023, 1, 1],
      [245, 2955497, 1, 1],
      [246, 1307154, 1, 1],
      [247, 2224569, 1, 1],
      [248, 2409703, 1, 1],
      [249, 3660525, 1, 1],
      [250, 3660524, 1, 1],
      [251, 2390811, 1, 1],
      [252, 3405978, 1, 1],
      [253, 2390810, 1, 1],
      [254, 3443771, 1, 1],
      [255, 3865552, 1, 1],
      [256, 3003094, 2, 1],
      [258, 1953867, 1, 1],
      [259, 1693330, 1, 1],
      [260, 2677912, 1, 1],
      [261, 2826971, 1, 1],
      [262, 3374222, 1, 1],
      [263, 2875492, 1, 1],
      [264, 2218330, 1, 1],
      [265, 2850348, 1, 1],
      [266, 3037029, 1, 1],
      [267, 2694836, 1, 1],
      [268, 3037028, 1, 1],
      [269, 2337931, 1, 1],
      [270, 3626037, 1, 1],
      [271, 3309356, 1, 1],
      [272, 3838841, 1, 1],
      [273, 2386812, 1, 1],
      [274, 3058444, 1, 1],
      [275, 3223200, 1, 1],
      [276, 2696696, 1, 1],
      [277, 3620140, 1, 1],
      [278, 3456741, 1, 1],
      [279, 2737145, 1, 1],
      [280, 1772868, 1, 1],
      [281, 3309357, 1, 1],
      [282, 3309348, 1, 1],
      [283, 3309359, 1, 1],
      [284, 2844786, 1, 1],
      [285, 2976121, 1, 1],
      [286, 3838840, 1, 1],
      [287, 2020595, 1, 1],
      [288, 3323710, 1, 1],
      [289, 3354414, 1, 1],
      [290, 3196932, 1, 1],
      [291, 3326691, 1, 1],
      [292, 1972760, 1, 1],
      [293, 3196933, 1, 1],
      [294, 3591486, 1, 1],
      [295, 2427851, 1, 1],
      [296, 3665827, 1, 1],
      [297, 3448210, 1, 1],
      [298, 1799024, 1, 1],
      [299, 3650178, 1, 1],
      [300, 3759567, 1, 1],
      [301, 2707845, 1, 1],
      [302, 1264494, 1, 1],
      [303, 2665284, 2, 1],
      [305, 2810808, 2, 1],
      [307, 2381942, 1, 1],
      [308, 3602111, 1, 1],
      [309, 3762446, 1, 1],
      [310, 3732431, 1, 1],
      [311, 3321874, 2, 1],
      [313, 3485186, 1, 1],
      [314, 3786872, 1, 1],
      [315, 2147870, 1, 1],
      [316, 2709346, 1, 1],
      [317, 2799785, 1, 1],
      [318, 2861354, 1, 1],
      [319, 3267308, 1, 1],
      [320, 2435864, 2, 1],
      [322, 2931492, 1, 1],
      [323, 3410665, 1, 1],
      [324, 3410664, 1, 1],
      [325, 3353671, 1, 1],
      [326, 3353670, 1, 1],
      [327, 3532273, 1, 1],
      [328, 2623884, 1, 1],
      [329, 3398617, 1, 1],
      [330, 3398616, 1, 1],
      [331, 2976501, 1, 1],
      [332, 2976500, 1, 1],
      [333, 2361566, 1, 1],
      [334, 2232475, 1, 1],
      [335, 2232474, 1, 1],
      [336, 3718255, 1, 1],
      [337, 1543295, 1, 1],
      [338, 3554116, 1, 1],
      [339, 1940679, 1, 1],
      [340, 1940678, 1, 1],
      [341, 2758831, 1, 1],
      [342, 2758830, 1, 1],
      [343, 2606916, 1, 1],
      [344, 3558956, 1, 1],
      [345, 3554117, 1, 1],
      [346, 2231280, 1, 1],
      [347, 3848322, 1, 1],
      [348, 2975669, 1, 1],
      [349, 3669275, 1, 1],
      [350, 3669277, 1, 1],
      [351, 2076805, 1, 1],
      [352, 2958610, 1, 1],
      [353, 2975668, 1, 1],
      [354, 3669274, 1, 1],
      [355, 3669276, 1, 1],
      [356, 2994090, 2, 1],
      [358, 2241853, 1, 1],
      [359, 3379536, 2, 1],
      [361, 2781709, 1, 1],
      [362, 2787504, 1, 1],
      [363, 3349714, 1, 1],
      [364, 2562937, 1, 1],
      [365, 2568733, 1, 1],
      [366, 3440724, 1, 1],
      [367, 2638471, 1, 1],
      [368, 3440725, 1, 1],
      [369, 3336830, 1, 1],
      [370, 2175014, 1, 1],
      [371, 2398413, 1, 1],
      [372, 2398412, 1, 1],
      [373, 2498583, 1, 1],
      [374, 2949458, 1, 1],
      [375, 3425386, 1, 1],
      [376, 2912975, 1, 1],
      [377, 3018959, 1, 1],
      [378, 3321872, 1, 1],
      [379, 2416635, 1, 1],
      [380, 2932755, 1, 1],
      [381, 3265866, 1, 1],
      [382, 2818770, 1, 1],
      [383, 2385772, 1, 1],
      [384, 2435866, 2, 1],
      [386, 2445725, 1, 1],
      [387, 3726923, 1, 1],
      [388, 3020078, 1, 1],
      [389, 3599856, 1, 1],
      [390, 2569845, 1, 1],
      [391, 3132210, 1, 1],
      [392, 2845743, 1, 1],
      [393, 3602289, 1, 1],
      [394, 3115919, 1, 1],
      [395, 3604459, 1, 1],
      [396, 2962800, 1, 1],
      [397, 3723214, 1, 1],
      [398, 3780047, 1, 1],
      [399, 1754142, 1, 1],
      [400, 3780044, 1, 1],
      [401, 3073794, 1, 1],
      [402, 3269795, 1, 1],
      [403, 3197591, 1, 1],
      [404, 2555710, 1, 1],
      [405, 2821750, 1, 1],
      [406, 2450318, 1, 1],
      [407, 1790486, 1, 1],
      [408, 3433004, 1, 1],
      [409, 2955950, 1, 1],
      [410, 3753195, 1, 1],
      [411, 1219305, 1, 1],
      [412, 1479752, 1, 1],
      [413, 2718714, 1, 1],
      [414, 2232752, 1, 1],
      [415, 2863214, 1, 1],
      [416, 1233958, 1, 1],
      [417, 2672208, 1, 1],
      [418, 2672637, 1, 1],
      [419, 3480766, 1, 1],
      [420, 3156339, 1, 1],
      [421, 2615254, 1, 1],
      [422, 2805651, 1, 1],
      [423, 3135637, 1, 1],
      [424, 3466353, 1, 1],
      [425, 2559064, 1, 1],
      [426, 3454839, 1, 1],
      [427, 3159185, 1, 1],
      [428, 2805652, 1, 1],
      [429, 2819599, 1, 1],
      [430, 3349941, 1, 1],
      [431, 3669511, 1, 1],
      [432, 3096363, 1, 1],
      [433, 1760246, 1, 1],
      [434, 2500826, 1, 1],
      [435, 3264072, 1, 1],
      [436, 2943813, 1, 1],
      [437, 2943812, 1, 1],
      [438, 2482069, 1, 1],
      [439, 2482068, 1, 1],
      [440, 3375298, 1, 1],
      [441, 3269432, 1, 1],
      [442, 3176552, 1, 1],
      [443, 3018956, 1, 1],
      [444, 3018958, 1, 1],
      [445, 2034518, 1, 1],
      [446, 3779724, 1, 1],
      [447, 2448315, 1, 1],
      [448, 3765572, 2, 1],
      [450, 3775243, 1, 1],
      [451, 3465739, 1, 1],
      [452, 2782895, 1, 1],
      [453, 3345917, 1, 1],
      [454, 3142245, 1, 1],
      [455, 2342710, 1, 1],
      [456, 3360869, 1, 1],
      [457, 2435572, 1, 1],
      [458, 3236904, 1, 1],
      [459, 2141740, 2, 1],
      [461, 3434161, 1, 1],
      [462, 3166653, 1, 1],
      [463, 3360868, 1, 1],
      [464, 2435573, 1, 1],
      [465, 2830755, 1, 1],
      [466, 3434160, 1, 1],
      [467, 3607956, 1, 1],
      [468, 1575752, 1, 1],
      [469, 2044657, 1, 1],
      [470, 2342711, 1, 1],
      [471, 3236905, 1, 1],
      [472, 2044656, 1, 1],
      [473, 3761208, 1, 1],
      [474, 2822043, 1, 1],
      [475, 2958611, 1, 1],
      [476, 1575753, 1, 1],
      [477, 2231281, 1, 1],
      [478, 3607957, 1, 1],
      [479, 2822042, 1, 1],
      [480, 3439878, 1, 1],
      [481, 2429883, 1, 1],
      [482, 3390224, 1, 1],
      [483, 3533671, 1, 1],
      [484, 3446051, 1, 1],
      [485, 3446050, 1, 1],
      [486, 1526975, 1, 1],
      [487, 1526974, 1, 1],
      [488, 2143153, 1, 1],
      [489, 2158418, 1, 1],
      [490, 2668746, 1, 1],
      [491, 1703989, 1, 1],
      [492, 2895619, 1, 1],
      [493, 1764744, 2, 1],
      [495, 1185600, 2, 1],
      [497, 3287144, 1, 1],
      [498, 2143152, 1, 1],
      [499, 3164166, 1, 1],
      [500, 2497241, 1, 1],
      [501, 1994950, 1, 1],
      [502, 2923862, 2, 1],
      [504, 2550084, 2, 1],
      [506, 3720368, 2, 1],
      [508, 2588788, 1, 1],
      [509, 3099396, 2, 1],
      [511, 2869040, 1, 1],
      [512, 4324864, 512, 3],
    ],
  };
}
