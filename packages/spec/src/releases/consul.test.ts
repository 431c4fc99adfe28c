import { parseVersion } from '../version';
import { CONSUL_RELEASES } from './consul';
import { resolved } from '../../../../tests/support/releases';

describe('CONSUL_RELEASES', () => {
  it.each`
    version     | uiForm
    ${'1.0.0'}  | ${'ui'}
    ${'1.1.0'}  | ${'ui'}
    ${'1.8.19'} | ${'ui'}
    ${'1.9.0'}  | ${'ui_config'}
    ${'1.15.2'} | ${'ui_config'}
    ${'1.21.4'} | ${'ui_config'}
  `('$version turns the UI on with $uiForm', ({ version, uiForm }) => {
    expect(resolved(CONSUL_RELEASES, version).uiForm).toBe(uiForm);
  });

  it('refuses a Consul older than 1.0, which reads no HCL config file', () => {
    expect(CONSUL_RELEASES.resolve(parseVersion('0.9.3'))).toEqual({
      refusal: { message: 'Consul 0.9.3 reads no HCL configuration files', hint: expect.stringContaining('use Consul 1.0–1.21') },
    });
  });
});

describe('releaseTable', () => {
  it('refuses a release newer than the newest supported one, naming it', () => {
    expect(CONSUL_RELEASES.resolve(parseVersion('1.22.0'))).toHaveProperty(
      'refusal.message',
      'Consul 1.22.0 is not supported: it is newer than 1.21, the newest release whose files were checked',
    );
  });
});
