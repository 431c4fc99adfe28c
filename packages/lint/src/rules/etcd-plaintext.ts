import { unusableAddress } from '@clusterspec/analysis';
import { staticPodFile } from '@clusterspec/kubernetes';
import { dataOf, hostFile } from '@clusterspec/spec';
import { defineRule } from '../rule';

const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml';

/** The flags of a static pod's first container: --name=value → value. */
function flags(pod: { readonly spec?: { readonly containers?: readonly { readonly command?: readonly string[] }[] } }): Map<string, string> {
  const command = pod.spec?.containers?.[0]?.command ?? [];
  return new Map(command.filter((arg) => arg.startsWith('--')).map((arg) => [arg.slice(2).split('=')[0], arg.slice(arg.indexOf('=') + 1)]));
}

const isLoopback = (url: URL) => url.hostname === 'localhost' || unusableAddress(url.hostname)?.loopback === true;

const SIDES = [
  { listen: 'listen-client-urls', auth: 'client-cert-auth', who: 'clients', fix: '--cert-file, --key-file, --trusted-ca-file and --client-cert-auth=true' },
  {
    listen: 'listen-peer-urls',
    auth: 'peer-client-cert-auth',
    who: 'peers',
    fix: '--peer-cert-file, --peer-key-file, --peer-trusted-ca-file and --peer-client-cert-auth=true',
  },
] as const;

/**
 * etcd holds every Secret of the cluster. A member listening on the node address over plain http lets
 * whoever reaches port 2379 read and write all of it; over https without client-certificate authentication,
 * anyone still can (https://etcd.io/docs/latest/op-guide/security/).
 */
export const etcdPlaintext = defineRule({
  id: 'etcd-plaintext',
  description: 'No etcd member listens on a non-loopback address without TLS, or with TLS but without requiring client certificates.',
  severity: 'error',
  messages: {
    plainHttp: `etcd on {{host}} serves {{who}} at {{url}} without TLS: anyone who reaches {{where}} reads and writes every Secret of the cluster; serve https with {{fix}}`,
    noClientCertAuth: `etcd on {{host}} serves {{who}} at {{url}} without --{{auth}}=true: any {{member}} that reaches {{where}} is let in without a certificate; add {{fix}}`,
  },
  reads: [`hosts/*${ETCD_MANIFEST}`],
  check({ model, artifacts, report }) {
    for (const host of model.kubernetes.controlPlaneHosts) {
      const path = hostFile(host, ETCD_MANIFEST);
      const pod = dataOf(artifacts.get(path), staticPodFile);
      if (!pod) continue;
      const given = flags(pod);
      const field = ['spec', 'hosts', model.hosts.indexOf(host), 'address'];
      for (const side of SIDES) {
        const urls = (given.get(side.listen) ?? '')
          .split(',')
          .filter(Boolean)
          .flatMap((text) => {
            try {
              return [new URL(text)];
            } catch {
              return [];
            }
          });
        for (const url of urls.filter((candidate) => !isLoopback(candidate))) {
          const where = `${url.hostname}:${url.port}`;
          if (url.protocol === 'http:') {
            report({
              field,
              artifact: path,
              host: host.name,
              messageId: 'plainHttp',
              data: { host: host.name, who: side.who, url: url.href.replace(/\/$/, ''), where, fix: side.fix },
            });
          } else if (given.get(side.auth) !== 'true') {
            report({
              field,
              artifact: path,
              host: host.name,
              messageId: 'noClientCertAuth',
              data: {
                host: host.name,
                who: side.who,
                url: url.href.replace(/\/$/, ''),
                auth: side.auth,
                member: side.who === 'clients' ? 'client' : 'peer',
                where,
                fix: side.fix,
              },
            });
          }
        }
      }
    }
  },
});
