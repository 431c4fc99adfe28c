'use strict';
// The `init` generator, which `nx add @clusterspec/nx` runs once it has installed the package (and which
// `nx g @clusterspec/nx:init --specs GLOB` runs by hand): registers the plugin in nx.json with the glob of the
// repository's specs, unless it is registered already. Nx hands it its virtual file tree (read, write, exists)
// and writes the tree out only when the generator succeeds.
const { name } = require('./package.json');

/** The plugin's entry in nx.json's plugins (a name, or { plugin, options }), or undefined. */
function registered(plugins) {
  return plugins.find((entry) => (typeof entry === 'string' ? entry : entry && entry.plugin) === name);
}

function initGenerator(tree, options) {
  const nxJson = tree.exists('nx.json') ? JSON.parse(tree.read('nx.json', 'utf-8')) : {};
  const plugins = Array.isArray(nxJson.plugins) ? nxJson.plugins : [];
  if (registered(plugins)) return;
  nxJson.plugins = [...plugins, { plugin: name, options: { specs: options.specs } }];
  tree.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
}

module.exports = initGenerator;
module.exports.default = initGenerator;
