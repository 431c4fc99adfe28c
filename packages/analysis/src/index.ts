/**
 * What the generated files of one site mean together: who dials the API server and along which path,
 * how names resolve on each host, which balancers forward where, what each node's container runtime
 * trusts. The lint rules check these answers and the topology picture draws them, so both read one
 * computation and cannot disagree about the site.
 */
export * from './addresses';
export * from './apiserver-clients';
export * from './apiserver-paths';
export * from './apiservers';
export * from './balancers';
export * from './consul-agents';
export * from './deployed';
export * from './node-runtime';
export * from './per-site';
export * from './resolution';
export * from './virtual-addresses';
export * from './images';
