'use strict';
// A synthetic site of N hosts shaped like the seed site: 3 (or 5) control-plane hosts, two apiserver
// load balancers, two Harbor instances, three Consul servers (two of them ingress), the rest workers
// that run Docker and a Consul client; one service per hundred hosts (every Docker host runs an
// instance of each, so the ingress preview grows with services × hosts).
const { stringify } = require('yaml');

function address(index) {
  return `10.${Math.floor(index / 62500) + 1}.${Math.floor(index / 250) % 250}.${(index % 250) + 1}`;
}

function syntheticSpec(size) {
  const controlPlane = size >= 1000 ? 5 : 3;
  const fixed = [
    ...Array.from({ length: controlPlane }, (_, i) => ({ name: `cp-${i + 1}`, roles: ['control-plane', 'consul-client'] })),
    { name: 'lb-1', roles: ['apiserver-lb'] },
    { name: 'lb-2', roles: ['apiserver-lb'] },
    { name: 'harbor-1', roles: ['harbor', 'consul-client'] },
    { name: 'harbor-2', roles: ['harbor', 'consul-client'] },
    { name: 'consul-1', roles: ['consul-server', 'ingress'] },
    { name: 'consul-2', roles: ['consul-server', 'ingress'] },
    { name: 'consul-3', roles: ['consul-server'] },
  ];
  const workers = Array.from({ length: Math.max(size - fixed.length, 0) }, (_, i) => ({ name: `worker-${i + 1}`, roles: ['worker', 'consul-client'] }));
  const hosts = [...fixed, ...workers]
    .slice(0, Math.max(size, fixed.length))
    .map((host, index) => ({ name: host.name, address: address(index), roles: host.roles }));
  const services = Array.from({ length: Math.max(1, Math.floor(size / 100)) }, (_, i) =>
    // A tcp service's instances listen on 30000+i; the ingress publishes it on 20000+i (the ingress hosts
    // are Docker hosts too, so one port for both would collide: port-conflict).
    i % 5 === 4 ? { name: `tcp${i}-${20000 + i}`, port: 30000 + i, tags: ['tcp'] } : { name: `svc${i}`, port: 8000 + (i % 1000), tags: ['http'] },
  );
  return {
    apiVersion: 'clusterspec/v1alpha1',
    kind: 'Cluster',
    metadata: { name: `bench-${size}` },
    spec: {
      hosts,
      kubernetes: {
        version: '1.34.2',
        controlPlaneEndpoint: 'k8s-api.bench.example:8443',
        // 16,384 node pod ranges of /24 (pod-subnet), apart from the hosts (10.1-10.2.x.x) and 10.250.0.x.
        networking: { serviceSubnet: '172.20.0.0/16', podSubnet: '10.128.0.0/10' },
        loadBalancer: { port: 8443, virtualAddress: '10.250.0.10' },
        users: [{ name: 'admin', groups: ['system:masters'] }],
      },
      harbor: {
        version: '2.13.1',
        externalURL: 'http://registry.bench.example:8989',
        httpPort: 8060,
        loadBalancer: { hosts: ['consul-1', 'consul-2'], port: 8989 },
        storage: { sharedPath: '/mnt/shared/harbor' },
        database: { host: '10.250.0.20', port: 5432, user: 'harbor', password: { fromEnv: 'HARBOR_DB_PASSWORD' } },
        redis: { host: '10.250.0.21', port: 6379 },
        adminPassword: { fromEnv: 'HARBOR_ADMIN_PASSWORD' },
      },
      consul: {
        version: '1.21.4',
        datacenter: 'bench',
        dnsPort: 53,
        encrypt: { fromEnv: 'CONSUL_GOSSIP_KEY' },
        recursors: ['10.250.0.2'],
        ingress: { domain: 'apps.bench.example' },
        services,
      },
      docker: { hosts: 'all', dns: ['consul'] },
    },
  };
}

module.exports = { syntheticSpec };

if (require.main === module) {
  process.stdout.write(stringify(syntheticSpec(Number(process.argv[2] ?? 10)), { lineWidth: 0 }));
}
