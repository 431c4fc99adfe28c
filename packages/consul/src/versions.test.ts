import { parseVersion } from '@clusterspec/spec';
import { consulRelease } from './versions';

describe('consulRelease', () => {
  it.each`
    version     | uiForm
    ${'1.0.0'}  | ${'ui'}
    ${'1.1.0'}  | ${'ui'}
    ${'1.8.19'} | ${'ui'}
    ${'1.9.0'}  | ${'ui_config'}
    ${'1.15.2'} | ${'ui_config'}
    ${'1.21.4'} | ${'ui_config'}
  `('$version turns the UI on with $uiForm', ({ version, uiForm }) => {
    expect(consulRelease(parseVersion(version)).uiForm).toBe(uiForm);
  });

  it('refuses a Consul older than 1.0, which reads no HCL config file', () => {
    expect(() => consulRelease(parseVersion('0.9.3'))).toThrow(/Consul 0\.9\.3 is not supported.*1\.0/);
  });
});
