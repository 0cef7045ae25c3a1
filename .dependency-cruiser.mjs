// Import-cycle check of `npm run lint` (dependency-cruiser). Type-only imports
// count as edges (tsPreCompilationDeps), .vue files are read through
// @vue/compiler-sfc. The engine must have none; see engine/README.md.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: no file of the loop can be read, tested or replaced on its own.',
      from: { path: '^(engine|cli|electron|renderer)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.vue', '.js', '.mjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    cache: false,
  },
};
