// The workspace packages, read from their package.json files, for .dependency-cruiser.cjs.
// dependency-cruiser reads `resolve` from this file as if it were a webpack configuration
// (options.webpackConfig): an alias per export of every workspace package, to the file its
// `source` condition names, so that an import by name resolves to the package's TypeScript even
// from a folder where pnpm did not link that package (an undeclared import, which the rules then
// name instead of a bare "unresolvable"). For the same reason npm packages are also looked up in
// pnpm's store of every installed package (node_modules/.pnpm/node_modules), so that an npm
// package a folder does not declare resolves, and is named as undeclared.
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join, posix } = require('node:path');

const readJson = (file) => JSON.parse(readFileSync(join(__dirname, file), 'utf8'));

/** Folder (`packages/core`), name and declared dependencies of every workspace package. */
const packages = ['packages', 'examples'].flatMap((parent) =>
  readdirSync(join(__dirname, parent))
    .filter((dir) => existsSync(join(__dirname, parent, dir, 'package.json')))
    .map((dir) => {
      const folder = `${parent}/${dir}`;
      const manifest = readJson(`${folder}/package.json`);
      const keys = (field) => Object.keys(manifest[field] ?? {});
      return {
        folder,
        name: manifest.name,
        exports: manifest.exports ?? {},
        production: [...keys('dependencies'), ...keys('peerDependencies')],
        all: [...keys('dependencies'), ...keys('peerDependencies'), ...keys('devDependencies')],
      };
    }),
);

const alias = {};
for (const pkg of packages) {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || typeof target.source !== 'string') continue;
    // `$`: the exact specifier only (webpack's alias syntax).
    alias[`${posix.join(pkg.name, subpath)}$`] = join(__dirname, pkg.folder, target.source);
  }
}

module.exports = {
  packages,
  rootDevDependencies: Object.keys(readJson('package.json').devDependencies ?? {}),
  resolve: {
    alias,
    // dependency-cruiser's defaults first (its resolve options are replaced, not merged).
    modules: ['node_modules', 'node_modules/@types', join(__dirname, 'node_modules/.pnpm/node_modules')],
  },
};
