import { parseVersion } from '../version';
import { HARBOR_RELEASES } from './harbor';
import { resolved } from '../../../../tests/support/releases';

const release = (version: string) => resolved(HARBOR_RELEASES, version);

describe('HARBOR_RELEASES', () => {
  it.each`
    version     | layout
    ${'1.1.0'}  | ${'cfg'}
    ${'1.1.2'}  | ${'cfg'}
    ${'2.0.0'}  | ${'yml'}
    ${'2.5.6'}  | ${'yml'}
    ${'2.13.1'} | ${'yml'}
    ${'2.15.2'} | ${'yml'}
  `('$version: $layout layout', ({ version, layout }) => {
    expect(release(version).layout).toBe(layout);
  });

  it.each(['0.5.0', '1.0.0', '1.2.0', '1.5.2', '1.10.19', '2.16.0', '3.0.0'])('%s is refused: its files were not checked', (version) => {
    expect(HARBOR_RELEASES.resolve(parseVersion(version))).toHaveProperty(
      'refusal.message',
      expect.stringMatching(new RegExp(`^Harbor ${version.replace(/\./g, '\\.')} is not supported`)),
    );
  });

  it('names the supported ranges', () => {
    expect(HARBOR_RELEASES.supportedText).toBe('1.1.x and 2.0–2.15');
    expect(HARBOR_RELEASES.newest).toBe('2.15');
  });

  it('1.1.2 changed the registry image (Makefile REGISTRYVERSION)', () => {
    expect(release('1.1.0').images?.registry).toBe('vmware/registry:photon-2.6.0');
    expect(release('1.1.1').images?.registry).toBe('vmware/registry:photon-2.6.0');
    expect(release('1.1.2').images?.registry).toBe('vmware/registry:2.6.1-photon');
    expect(release('2.0.0').images).toBeUndefined();
  });

  it.each`
    version     | hostWithPort | indexes
    ${'2.0.0'}  | ${false}     | ${['registry_db_index', 'jobservice_db_index', 'chartmuseum_db_index', 'clair_db_index', 'trivy_db_index', 'idle_timeout_seconds']}
    ${'2.1.0'}  | ${true}      | ${['registry_db_index', 'jobservice_db_index', 'chartmuseum_db_index', 'clair_db_index', 'trivy_db_index', 'idle_timeout_seconds']}
    ${'2.2.0'}  | ${true}      | ${['registry_db_index', 'jobservice_db_index', 'chartmuseum_db_index', 'trivy_db_index', 'idle_timeout_seconds']}
    ${'2.7.4'}  | ${true}      | ${['registry_db_index', 'jobservice_db_index', 'chartmuseum_db_index', 'trivy_db_index', 'idle_timeout_seconds']}
    ${'2.8.0'}  | ${true}      | ${['registry_db_index', 'jobservice_db_index', 'trivy_db_index', 'idle_timeout_seconds']}
    ${'2.13.1'} | ${true}      | ${['registry_db_index', 'jobservice_db_index', 'trivy_db_index', 'idle_timeout_seconds']}
  `('$version: external_redis host:port $hostWithPort, keys $indexes', ({ version, hostWithPort, indexes }) => {
    expect(release(version).redisHostWithPort).toBe(hostWithPort);
    expect(Object.keys(release(version).redisDbIndexes ?? {})).toEqual(indexes);
  });

  it.each`
    version     | configVersion
    ${'2.0.6'}  | ${'2.0.0'}
    ${'2.1.6'}  | ${'2.0.0'}
    ${'2.2.0'}  | ${'2.2.0'}
    ${'2.5.6'}  | ${'2.5.0'}
    ${'2.13.1'} | ${'2.13.0'}
    ${'2.15.2'} | ${'2.15.0'}
  `('$version: _version $configVersion as its harbor.yml.tmpl says', ({ version, configVersion }) => {
    expect(release(version).configVersion).toBe(configVersion);
  });

  it('keys prepare requires arrive with their release (configs.py subscripts)', () => {
    expect(release('2.7.0').jobservice).toEqual({ max_job_workers: 10 });
    expect(release('2.8.0').jobservice).toEqual({ max_job_workers: 10, logger_sweeper_duration: 1 });
    expect(release('2.9.0').jobservice).toHaveProperty('job_loggers', ['STD_OUTPUT', 'FILE']);
    expect(release('2.13.0').jobservice).toHaveProperty('max_job_duration_hours', 24);
    expect(release('2.7.0').notification).toEqual({ webhook_job_max_retry: 10 });
    expect(release('2.8.0').notification).toEqual({ webhook_job_max_retry: 3, webhook_job_http_client_timeout: 3 });
  });

  it('optional sections come and go with Clair, ChartMuseum, upload purging and the cache layer', () => {
    expect(release('2.1.0').clair).toEqual({ updaters_interval: 12 });
    expect(release('2.2.0').clair).toBeUndefined();
    expect(release('2.7.0').chart).toEqual({ absolute_url: 'disabled' });
    expect(release('2.8.0').chart).toBeUndefined();
    expect(release('2.4.0').uploadPurging).toBeUndefined();
    expect(release('2.5.0').uploadPurging).toEqual({ enabled: true, age: '168h', interval: '24h', dryrun: false });
    expect(release('2.5.6').cache).toBeUndefined();
    expect(release('2.6.0').cache).toEqual({ enabled: false, expire_hours: 24 });
  });

  it.each`
    version     | keys
    ${'2.4.1'}  | ${['ignore_unfixed', 'skip_update', 'insecure']}
    ${'2.4.2'}  | ${['ignore_unfixed', 'skip_update', 'offline_scan', 'insecure']}
    ${'2.6.2'}  | ${['ignore_unfixed', 'skip_update', 'offline_scan', 'security_check', 'insecure']}
    ${'2.9.3'}  | ${['ignore_unfixed', 'skip_update', 'skip_java_db_update', 'offline_scan', 'security_check', 'insecure']}
    ${'2.10.0'} | ${['ignore_unfixed', 'skip_update', 'offline_scan', 'security_check', 'insecure']}
    ${'2.10.1'} | ${['ignore_unfixed', 'skip_update', 'skip_java_db_update', 'offline_scan', 'security_check', 'insecure']}
    ${'2.11.0'} | ${['ignore_unfixed', 'skip_update', 'skip_java_db_update', 'offline_scan', 'security_check', 'insecure', 'timeout']}
  `('$version: trivy keys of that patch release', ({ version, keys }) => {
    expect(Object.keys(release(version).trivy ?? {})).toEqual(keys);
  });
});
