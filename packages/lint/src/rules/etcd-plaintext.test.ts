import { testRule, type FileChange } from '@clusterspec/lint/testing';
import { etcdPlaintext } from './etcd-plaintext';

const MANIFEST = 'hosts/wudang/etc/kubernetes/manifests/etcd.yaml';

/** The generated etcd pod of wudang with its command edited, as its generator could have written it. */
const withCommand =
  (edit: (args: readonly string[]) => string[]): FileChange =>
  (pod: { spec: { containers: { command: string[] }[] } }) => {
    const copy = structuredClone(pod);
    copy.spec.containers[0].command = edit(copy.spec.containers[0].command);
    return copy;
  };

/** A hand-built member: plain http on the node address, no certificate anywhere. */
const plainHttp = (args: readonly string[]) =>
  args.map((arg) => arg.replace(/https:\/\//g, 'http://')).filter((arg) => !/^--(peer-)?(cert-file|key-file|trusted-ca-file|client-cert-auth)=/.test(arg));

testRule(etcdPlaintext, {
  valid: [
    { name: 'the generated legacy members: TLS with client certificates on both sides', fixture: 'seed-ha' },
    { name: 'kubeadm sets up etcd itself (no manifest generated)', fixture: 'modern' },
    {
      name: 'plain http on loopback only',
      fixture: 'seed-ha',
      files: {
        [MANIFEST]: withCommand((args) =>
          plainHttp(args).map((arg) =>
            arg.startsWith('--listen-client-urls=')
              ? '--listen-client-urls=http://127.0.0.1:2379'
              : arg.startsWith('--listen-peer-urls=')
                ? '--listen-peer-urls=http://localhost:2380'
                : arg,
          ),
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a hand-built member: plain http on the node address',
      fixture: 'seed-ha',
      files: { [MANIFEST]: withCommand(plainHttp) },
      errors: [
        {
          messageId: 'plainHttp',
          message:
            'etcd on wudang serves clients at http://10.24.138.208:2379 without TLS: anyone who reaches 10.24.138.208:2379 reads and writes every Secret of the cluster; serve https with --cert-file, --key-file, --trusted-ca-file and --client-cert-auth=true',
          line: 'address: 10.24.138.208',
          field: 'spec.hosts[1].address',
          artifact: MANIFEST,
        },
        { messageId: 'plainHttp', message: 'etcd on wudang serves peers at http://10.24.138.208:2380 without TLS', line: 'address: 10.24.138.208' },
      ],
    },
    {
      name: 'https, but any client let in without a certificate',
      fixture: 'seed-ha',
      files: { [MANIFEST]: withCommand((args) => args.map((arg) => (arg === '--client-cert-auth=true' ? '--client-cert-auth=false' : arg))) },
      errors: [
        {
          messageId: 'noClientCertAuth',
          message:
            'etcd on wudang serves clients at https://10.24.138.208:2379 without --client-cert-auth=true: any client that reaches 10.24.138.208:2379 is let in without a certificate',
        },
      ],
    },
  ],
});
