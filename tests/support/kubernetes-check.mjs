// Validates Kubernetes objects with kubernetes-models and loads kubeconfigs with
// @kubernetes/client-node, in a plain Node process: both packages are ESM-only ("type": "module",
// "exports" with only an "import" condition), which jest's CommonJS module loader cannot require.
// The acceptance tests spawn `node tests/support/kubernetes-check.mjs` and pass JSON on stdin:
//   {"objects": [{"id", "object"}], "kubeconfigs": [{"id", "text"}], "kubeconfigFiles": [{"id", "path"}]}
// and read {"objects": [{"id", "ok", "error"}], "kubeconfigs": [{"id", "ok", "error", "currentContext", "server"}],
//           "kubeconfigFiles": [{"id", "ok", "error", "caFile", "certFile", "keyFile", "ca", "cert", "key"}]}.
// A kubeconfig file is loaded as kubectl would (relative file names resolved against its folder) and its
// TLS material read the way the client reads it before a request (applyToHTTPSOptions).
import workerThreads from 'node:worker_threads';
import zlib from 'node:zlib';

// @kubernetes/client-node 2.0.1 pulls in its own undici 8 (engines: node >= 22.19), which at load
// time binds two functions that Node 20 lacks: zlib.createZstdDecompress (Node 22.15) and
// worker_threads.markAsUncloneable (Node 22.10). The repo supports Node 20, and
// KubeConfig.loadFromString neither decompresses nor clones anything, so on older Node these
// stand-ins (one throws if ever called, the other only marks objects) let the module load without
// changing what is tested. On Node >= 22.19 they are not installed.
if (typeof zlib.createZstdDecompress !== 'function') {
  zlib.createZstdDecompress = () => {
    throw new Error('zstd decompression is not available on this Node.js version');
  };
}
if (typeof workerThreads.markAsUncloneable !== 'function') workerThreads.markAsUncloneable = () => {};

const { KubeConfig } = await import('@kubernetes/client-node');

const input = JSON.parse(
  await new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  }),
);

/** kubernetes-models module of an apiVersion: core "v1" is 'kubernetes-models/v1', others '<group>/<version>'. */
async function modelClass(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}`);
  const model = module[kind];
  if (typeof model !== 'function') throw new Error(`kubernetes-models has no ${kind} in ${apiVersion}`);
  return model;
}

const objects = [];
for (const { id, object } of input.objects ?? []) {
  try {
    const Model = await modelClass(object.apiVersion, object.kind);
    new Model(object).validate();
    objects.push({ id, ok: true });
  } catch (error) {
    objects.push({ id, ok: false, error: String(error?.message ?? error) + (error?.errors ? ` ${JSON.stringify(error.errors)}` : '') });
  }
}

const kubeconfigs = [];
for (const { id, text } of input.kubeconfigs ?? []) {
  try {
    const config = new KubeConfig();
    config.loadFromString(text);
    const currentContext = config.getCurrentContext();
    const context = config.getContextObject(currentContext);
    const cluster = context ? config.getCluster(context.cluster) : null;
    const user = context ? config.getUser(context.user) : null;
    kubeconfigs.push({ id, ok: true, currentContext, contextFound: Boolean(context), userFound: Boolean(user), server: cluster?.server ?? null });
  } catch (error) {
    kubeconfigs.push({ id, ok: false, error: String(error?.message ?? error) });
  }
}

const kubeconfigFiles = [];
for (const { id, path } of input.kubeconfigFiles ?? []) {
  try {
    const config = new KubeConfig();
    config.loadFromFile(path);
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    const options = {};
    await config.applyToHTTPSOptions(options);
    kubeconfigFiles.push({
      id,
      ok: true,
      caFile: cluster?.caFile ?? null,
      certFile: user?.certFile ?? null,
      keyFile: user?.keyFile ?? null,
      ca: options.ca ? String(options.ca) : null,
      cert: options.cert ? String(options.cert) : null,
      key: options.key ? 'present' : null,
    });
  } catch (error) {
    kubeconfigFiles.push({ id, ok: false, error: String(error?.message ?? error) });
  }
}

process.stdout.write(JSON.stringify({ objects, kubeconfigs, kubeconfigFiles }));
