// Dependency rules of the workspace, checked by `pnpm check:deps` (CI runs it after lint).
// The layering is described in docs/architecture.md; checks/dependency-rules.test.ts writes a
// wrong import for every rule family into a real package and shows that this check fails on it.
//
// Workspace packages are imported by name (`@notify/email-core`). They resolve to the file their
// `source` export condition names (packages/<dir>/src/...), as in TypeScript and vitest
// (tsconfig.base.json, vitest.config.ts), through the aliases of .dependency-cruiser-workspace.cjs:
// pnpm links a workspace package only into the folders that declare it, so an undeclared import by
// name would otherwise be a bare "unresolvable" that no path rule below could name. dependency-cruiser
// does not count workspace packages as npm dependencies either, so the rules on declared workspace
// packages are generated from each package.json here.
const workspace = require('./.dependency-cruiser-workspace.cjs');

/** The npm packages the core's domain needs (besides node built-ins). */
const CORE_LIBRARIES = ['zod', 'handlebars', 'opossum', 'inversify'];
/** The client library of each adapter; inversify for the container module every package ships. */
const ADAPTER_LIBRARIES = {
  'adapter-amqp': ['amqplib', 'inversify'],
  'adapter-http': ['opossum', 'inversify'],
  'adapter-postgres': ['pg', 'inversify'],
  'adapter-redis': ['ioredis', 'inversify'],
  'adapter-smtp': ['nodemailer', 'inversify'],
};
/** The libraries of each host. */
const HOST_LIBRARIES = {
  'host-koa': ['koa', '@koa/router', 'zod'],
  'host-worker': [],
};

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Matches a resolved path inside node_modules that belongs to one of `names`. */
const inNodeModules = (names) => `(^|/)node_modules/(${names.map(escapeRegExp).join('|')})/`;
const folderOf = new Map(workspace.packages.map((pkg) => [pkg.name, pkg.folder]));
/** Folders of the workspace packages among `names`. */
const workspaceFolders = (names) =>
  names.filter((name) => folderOf.has(name)).map((name) => folderOf.get(name));

const IN_REPOSITORY = '^(packages|examples|test-support|faults|bench|checks)/';
const SRC = '^packages/[^/]+/src/';

/** Per package: its code imports no other workspace package it does not declare. */
const declaredWorkspaceRules = workspace.packages.flatMap((pkg) => [
  {
    name: 'undeclared-workspace-dependency',
    comment: `${pkg.folder}/src imports a workspace package missing from dependencies/peerDependencies of ${pkg.folder}/package.json`,
    severity: 'error',
    from: { path: `^${escapeRegExp(pkg.folder)}/src/` },
    to: {
      path: '^(packages|examples)/',
      pathNot: [pkg.folder, ...workspaceFolders(pkg.production)].map((folder) => `^${escapeRegExp(folder)}/`),
    },
  },
  {
    name: 'test-imports-undeclared-workspace-code',
    comment:
      `${pkg.folder}/test may import its own package, the workspace packages ${pkg.folder}/package.json ` +
      'declares (by name) and test-support/' +
      (pkg.folder === 'packages/service' ? ', and the test harness of a package it depends on' : ''),
    severity: 'error',
    from: { path: `^${escapeRegExp(pkg.folder)}/test/` },
    to: {
      path: IN_REPOSITORY,
      pathNot: [
        `^${escapeRegExp(pkg.folder)}/`,
        '^test-support/',
        ...workspaceFolders(pkg.all).map((folder) => `^${escapeRegExp(folder)}/src/`),
        // The service's tests reuse host-koa's HTTP harness
        // (packages/service/test/contract-audit-http.test.ts).
        ...(pkg.folder === 'packages/service'
          ? workspaceFolders(pkg.all).map((folder) => `^${escapeRegExp(folder)}/test/[^/]+-harness\\.ts$`)
          : []),
      ],
    },
  },
]);

const librariesRules = (family, libraries, because) =>
  Object.entries(libraries).map(([dir, names]) => ({
    name: `${family}-imports-only-its-libraries`,
    comment: `packages/${dir}/src may use ${names.length > 0 ? names.join(', ') : 'no npm package'} and node built-ins: ${because}`,
    severity: 'error',
    from: { path: `^packages/${escapeRegExp(dir)}/src/` },
    to: { path: '(^|/)node_modules/', ...(names.length > 0 ? { pathNot: inNodeModules(names) } : {}) },
  }));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // The core: ports, domain and use cases, on nothing of the outside world.
    {
      name: 'core-imports-no-other-package',
      comment: 'the core imports no adapter, no host and not the service: they depend on it',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: '^(packages|examples)/', pathNot: '^packages/core/' },
    },
    {
      name: 'core-imports-only-domain-libraries',
      comment: `the core uses ${CORE_LIBRARIES.join(', ')} and node built-ins only: I/O belongs in an adapter`,
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: '(^|/)node_modules/', pathNot: inNodeModules(CORE_LIBRARIES) },
    },
    // Adapters: one port each, on the core and one client library.
    {
      name: 'adapter-imports-only-core',
      comment: 'an adapter imports the core only: never another adapter, a host or the service',
      severity: 'error',
      from: { path: '^packages/(adapter-[^/]+)/src/' },
      to: { path: '^(packages|examples)/', pathNot: '^packages/($1|core)/' },
    },
    ...librariesRules('adapter', ADAPTER_LIBRARIES, 'an adapter wraps its own client library'),
    // Hosts: libraries on the core's use cases.
    {
      name: 'host-imports-only-core',
      comment: 'a host imports the core only: never another host, an adapter or the service',
      severity: 'error',
      from: { path: '^packages/(host-[^/]+)/src/' },
      to: { path: '^(packages|examples)/', pathNot: '^packages/($1|core)/' },
    },
    ...librariesRules('host', HOST_LIBRARIES, 'what runs a host is chosen by the service'),
    // The composition root.
    {
      name: 'only-service-imports-adapters-and-hosts',
      comment: 'packages/service is the composition root: no other package imports an adapter or a host',
      severity: 'error',
      from: { path: '^packages/([^/]+)/', pathNot: '^packages/service/' },
      to: { path: '^packages/(adapter|host)-[^/]+/', pathNot: '^packages/$1/' },
    },
    // Every package.
    {
      name: 'production-code-imports-no-tests',
      comment: 'packages/*/src is published: it cannot reach tests, test-support/, faults/ or bench/',
      severity: 'error',
      from: { path: SRC },
      to: { path: ['^packages/[^/]+/test/', '^test-support/', '^faults/', '^bench/'] },
    },
    {
      name: 'cross-package-import-by-name',
      comment:
        "another workspace package is imported by its name (its exports), not by a relative path into its folder (a service test may reach a dependency's *-harness.ts)",
      severity: 'error',
      from: { path: '^(packages|examples)/([^/]+)/' },
      to: {
        path: '^(packages|examples)/',
        pathNot: ['^$1/$2/', '^packages/[^/]+/test/[^/]+-harness\\.ts$'],
        // A relative import is `local`; an import by name is `aliased` as well (see above).
        dependencyTypes: ['local'],
        dependencyTypesNot: ['aliased'],
      },
    },
    ...declaredWorkspaceRules,
    {
      name: 'undeclared-dependency',
      comment: 'production code imports only npm packages its package.json declares',
      severity: 'error',
      from: { path: '^(packages|examples)/[^/]+/src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'production-code-imports-no-dev-dependency',
      comment:
        'a devDependency is not installed for the users of a package: production code cannot import it',
      severity: 'error',
      from: { path: '^(packages|examples)/[^/]+/src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm', 'npm-peer'] },
    },
    {
      name: 'test-imports-undeclared-dependency',
      comment:
        "a test imports npm packages its package.json declares or the root's devDependencies (the workspace's test tooling)",
      severity: 'error',
      from: { path: '^(packages|examples)/[^/]+/test/' },
      to: {
        dependencyTypes: ['npm-no-pkg', 'npm-unknown'],
        pathNot: inNodeModules(workspace.rootDevDependencies),
      },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'an import that does not resolve: a typo, or a package not installed for this folder (undeclared)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment: 'modules form no cycle (type-only imports included): a cycle makes the load order matter',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    // Build output of the workspace only: npm packages ship their entry points in dist/ too, and an
    // excluded module is dropped from the graph with every import of it.
    exclude: { path: ['^(packages|examples)/[^/]+/dist/', '^coverage/', '^bench/results/'] },
    tsPreCompilationDeps: true,
    webpackConfig: { fileName: '.dependency-cruiser-workspace.cjs' },
    // npm packages resolve as Node resolves them for this ESM code (workspace packages: aliases).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
      // `types` for the packages a type-only import reaches that have no JavaScript entry.
      mainFields: ['main', 'types'],
    },
    skipAnalysisNotInRules: true,
  },
};
