import { parseVersion } from '../version';
import { KUBEADM_IMAGES } from './kubeadm-images';
import { KUBERNETES_RELEASES } from './kubernetes';
import { resolved } from '../../../../tests/support/releases';

const MASTER = 'node-role.kubernetes.io/master';
const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

const release = (version: string) => resolved(KUBERNETES_RELEASES, `${version}.0`);

describe('KUBERNETES_RELEASES', () => {
  it.each`
    version   | flow         | kubeadmApiVersion
    ${'1.6'}  | ${'legacy'}  | ${undefined}
    ${'1.15'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta2'}
    ${'1.19'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta2'}
    ${'1.20'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta2'}
    ${'1.21'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta2'}
    ${'1.22'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta3'}
    ${'1.23'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta3'}
    ${'1.24'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta3'}
    ${'1.25'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta3'}
    ${'1.30'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta3'}
    ${'1.31'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta4'}
    ${'1.34'} | ${'kubeadm'} | ${'kubeadm.k8s.io/v1beta4'}
  `('$version: $flow flow, kubeadm config $kubeadmApiVersion', ({ version, flow, kubeadmApiVersion }) => {
    expect(release(version).flow).toBe(flow);
    expect(release(version).kubeadmApiVersion).toBe(kubeadmApiVersion);
  });

  it.each`
    version   | extraArgsAsList
    ${'1.6'}  | ${false}
    ${'1.21'} | ${false}
    ${'1.22'} | ${false}
    ${'1.30'} | ${false}
    ${'1.31'} | ${true}
    ${'1.34'} | ${true}
  `('$version: extraArgs as a name/value list: $extraArgsAsList', ({ version, extraArgsAsList }) => {
    expect(release(version).extraArgsAsList).toBe(extraArgsAsList);
  });

  // kubeadm added the control-plane label in 1.20 and dropped the master label in 1.24 (kubernetes#107533).
  it.each`
    version   | labels
    ${'1.6'}  | ${[MASTER]}
    ${'1.15'} | ${[MASTER]}
    ${'1.19'} | ${[MASTER]}
    ${'1.20'} | ${[MASTER, CONTROL_PLANE]}
    ${'1.21'} | ${[MASTER, CONTROL_PLANE]}
    ${'1.22'} | ${[MASTER, CONTROL_PLANE]}
    ${'1.23'} | ${[MASTER, CONTROL_PLANE]}
    ${'1.24'} | ${[CONTROL_PLANE]}
    ${'1.25'} | ${[CONTROL_PLANE]}
    ${'1.30'} | ${[CONTROL_PLANE]}
    ${'1.31'} | ${[CONTROL_PLANE]}
    ${'1.34'} | ${[CONTROL_PLANE]}
  `('$version: control-plane labels $labels', ({ version, labels }) => {
    expect(release(version).controlPlaneLabels).toEqual(labels);
  });

  // kubeadm 1.24 added the control-plane taint beside master (kubernetes#107533); 1.25 dropped master (kubernetes#110095).
  it.each`
    version   | taints
    ${'1.6'}  | ${[MASTER]}
    ${'1.15'} | ${[MASTER]}
    ${'1.19'} | ${[MASTER]}
    ${'1.20'} | ${[MASTER]}
    ${'1.21'} | ${[MASTER]}
    ${'1.22'} | ${[MASTER]}
    ${'1.23'} | ${[MASTER]}
    ${'1.24'} | ${[MASTER, CONTROL_PLANE]}
    ${'1.25'} | ${[CONTROL_PLANE]}
    ${'1.30'} | ${[CONTROL_PLANE]}
    ${'1.31'} | ${[CONTROL_PLANE]}
    ${'1.34'} | ${[CONTROL_PLANE]}
  `('$version: control-plane taints $taints', ({ version, taints }) => {
    expect(release(version).controlPlaneTaints).toEqual(taints);
  });

  // dockershim left in 1.24 (KEP-2221); containerd's support table pairs 1.6 before 1.26, 1.7 before 1.30, 2.1 from 1.30.
  it.each`
    version   | dockershim | pairedContainerd | cgroupDriver
    ${'1.6'}  | ${true}    | ${'1.6'}         | ${'cgroupfs'}
    ${'1.21'} | ${true}    | ${'1.6'}         | ${'cgroupfs'}
    ${'1.22'} | ${true}    | ${'1.6'}         | ${'systemd'}
    ${'1.23'} | ${true}    | ${'1.6'}         | ${'systemd'}
    ${'1.24'} | ${false}   | ${'1.6'}         | ${'systemd'}
    ${'1.26'} | ${false}   | ${'1.7'}         | ${'systemd'}
    ${'1.29'} | ${false}   | ${'1.7'}         | ${'systemd'}
    ${'1.30'} | ${false}   | ${'2.1'}         | ${'systemd'}
    ${'1.34'} | ${false}   | ${'2.1'}         | ${'systemd'}
  `(
    '$version: dockershim $dockershim, containerd $pairedContainerd paired, kubeadm cgroup driver $cgroupDriver',
    ({ version, dockershim, pairedContainerd, cgroupDriver }) => {
      expect(release(version)).toMatchObject({ dockershim, pairedContainerd, kubeadmCgroupDriverDefault: cgroupDriver });
    },
  );

  it('ignores the patch level and compares minors numerically (1.100 is after 1.34)', () => {
    expect(resolved(KUBERNETES_RELEASES, '1.30.14')).toEqual(release('1.30'));
    expect(resolved(KUBEADM_IMAGES, '1.6.2').etcd).toBe('3.0.17');
    expect(KUBERNETES_RELEASES.resolve(parseVersion('1.100.0'))).toHaveProperty('refusal');
  });

  it('has one kubeadm image row per supported minor, with the pause image kubeadm pins', () => {
    const minors = [6, ...Array.from({ length: 20 }, (_, index) => 15 + index)];
    expect(KUBEADM_IMAGES.rows.map((row) => row.since.join('.'))).toEqual(minors.map((minor) => `1.${minor}`));
    expect(resolved(KUBEADM_IMAGES, '1.34.2')).toMatchObject({ pause: '3.10.1', coredns: 'v1.12.1', corednsPath: 'coredns/coredns', etcd: '3.6.4-0' });
    expect(resolved(KUBEADM_IMAGES, '1.20.15')).toMatchObject({ pause: '3.2', coredns: '1.7.0', corednsPath: 'coredns' });
    expect(resolved(KUBEADM_IMAGES, '1.6.2')).toMatchObject({ pause: '3.0', archSuffix: '-amd64' });
  });

  it.each(['1.0.0', '1.5.9', '1.7.0', '1.14.10'])('%s is refused: between the legacy and kubeadm flows, or older', (version) => {
    expect(KUBERNETES_RELEASES.resolve(parseVersion(version))).toEqual({
      refusal: { message: `Kubernetes ${version} is not supported`, hint: expect.stringMatching(/^use 1\.6\.x and 1\.15–1\.34:/) },
    });
  });

  // Kubernetes 1.99 used to pass and get kubeadm v1beta4 silently; a 1.43 typed for 1.34 must be heard about.
  it.each(['1.35.0', '1.43.0', '1.99.1', '2.0.0'])('%s, newer than the newest known release, is refused naming 1.34', (version) => {
    const resolution = KUBERNETES_RELEASES.resolve(parseVersion(version));
    expect(resolution).toHaveProperty(
      'refusal.message',
      `Kubernetes ${version} is not supported: it is newer than 1.34, the newest release whose files were checked`,
    );
    expect(resolution).toHaveProperty('refusal.hint', expect.stringContaining('use Kubernetes 1.34 or an older supported release'));
  });
});
