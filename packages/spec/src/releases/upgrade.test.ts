import { parseVersion } from '../version';
import { HARBOR_RELEASES } from './harbor';
import { KUBERNETES_RELEASES } from './kubernetes';
import { skewProblems, skewTracker, versionChange } from './upgrade';

const kubernetes = (from: string, to: string) => versionChange(KUBERNETES_RELEASES, parseVersion(from), parseVersion(to), (release) => release.upgradeMinors);
const harbor = (from: string, to: string) => versionChange(HARBOR_RELEASES, parseVersion(from), parseVersion(to), (release) => release.upgradeMinorsBack);

describe('versionChange', () => {
  it.each`
    from        | to          | expected
    ${'1.34.2'} | ${'1.34.2'} | ${{ kind: 'same' }}
    ${'1.34.0'} | ${'1.34.2'} | ${{ kind: 'patch' }}
    ${'1.33.5'} | ${'1.34.2'} | ${{ kind: 'upgrade', via: [] }}
    ${'1.32.4'} | ${'1.34.2'} | ${{ kind: 'too-far', via: ['1.33'] }}
    ${'1.15.0'} | ${'1.18.1'} | ${{ kind: 'too-far', via: ['1.16', '1.17'] }}
  `('Kubernetes $from to $to', ({ from, to, expected }) => {
    expect(kubernetes(from, to)).toEqual(expected);
  });

  it('refuses downgrades and the legacy 1.6 to kubeadm jump', () => {
    expect(kubernetes('1.34.2', '1.33.5')).toMatchObject({ kind: 'unsupported', why: 'Kubernetes 1.34.2 to 1.33.5 is a downgrade' });
    expect(kubernetes('1.6.2', '1.15.0')).toMatchObject({ kind: 'unsupported' });
  });

  it.each`
    from        | to          | expected
    ${'2.11.1'} | ${'2.13.1'} | ${{ kind: 'upgrade', via: [] }}
    ${'2.9.0'}  | ${'2.13.1'} | ${{ kind: 'too-far', via: ['2.11'] }}
    ${'2.2.0'}  | ${'2.6.0'}  | ${{ kind: 'too-far', via: ['2.3', '2.4'] }}
  `('Harbor $from to $to (each guide migrates from two minors back from 2.6 on, one before)', ({ from, to, expected }) => {
    expect(harbor(from, to)).toEqual(expected);
  });

  it('refuses Harbor 1.x to 2.x', () => {
    expect(harbor('1.1.0', '2.0.0')).toMatchObject({ kind: 'unsupported' });
  });
});

describe('skewProblems (Kubernetes version skew policy)', () => {
  const state = (apiservers: string[], kubelets: string[]) => ({
    apiservers: new Map(apiservers.map((version, index) => [`cp-${index}`, parseVersion(version)])),
    kubelets: new Map(kubelets.map((version, index) => [`node-${index}`, parseVersion(version)])),
  });
  const older = (kubelet: { minor: number }) => (kubelet.minor >= 25 ? 3 : 2);

  it('accepts apiservers one minor apart and kubelets up to their allowance older', () => {
    expect(skewProblems(state(['1.34.2', '1.33.5'], ['1.33.5', '1.31.0']), older)).toEqual([]);
  });

  it('refuses a kubelet newer than an apiserver, apiservers two minors apart, a kubelet too old', () => {
    expect(skewProblems(state(['1.34.2', '1.33.5'], ['1.34.2']), older)).toEqual(['the kubelet of node-0 (1.34.2) is newer than an apiserver (1.33)']);
    expect(skewProblems(state(['1.34.2', '1.32.0'], []), older)).toEqual(['apiservers 1.32 and 1.34 are more than one minor apart']);
    expect(skewProblems(state(['1.24.0'], ['1.21.0']), older)).toEqual(['the kubelet of node-0 (1.21.0) is more than 2 minors older than an apiserver']);
  });

  it('the tracker refuses an order that upgrades a kubelet before every apiserver', () => {
    const tracker = skewTracker(['cp-1', 'cp-2'], ['cp-1', 'cp-2'], parseVersion('1.33.5'));
    tracker.set('apiserver', ['cp-1'], parseVersion('1.34.2'));
    expect(() => tracker.set('kubelet', ['cp-1'], parseVersion('1.34.2'))).toThrow(/newer than an apiserver/);
  });
});
