import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseHostPort, parseServerURL } from './endpoint';

describe('parseHostPort', () => {
  it.each`
    text                           | parsed
    ${'k8s-api.corp.example:8443'} | ${{ value: { host: 'k8s-api.corp.example', port: 8443, hostIsAddress: false } }}
    ${'10.0.0.5:8500'}             | ${{ value: { host: '10.0.0.5', port: 8500, hostIsAddress: true } }}
    ${'10.0.0.5'}                  | ${{ problem: 'is not host:port' }}
    ${'a..b:80'}                   | ${{ problem: '"a..b" is not a valid DNS name' }}
    ${'300.1.1.1:80'}              | ${{ problem: '"300.1.1.1" is not a valid IPv4 address' }}
    ${'host:99999'}                | ${{ problem: 'port 99999 is out of range' }}
    ${'host:'}                     | ${{ problem: 'is not host:port' }}
  `('$text', ({ text, parsed }) => {
    expect(parseHostPort(text)).toEqual(parsed);
  });
});

describe('parseServerURL', () => {
  it('defaults the port from the scheme where allowed, and keeps the text as written', () => {
    expect(parseServerURL('http://hub.example', ['http', 'https'], false)).toEqual({
      value: { scheme: 'http', host: 'hub.example', port: 80, hostIsAddress: false, text: 'http://hub.example' },
    });
    expect(parseServerURL('https://hub.example', ['http', 'https'], false)).toHaveProperty('value.port', 443);
    expect(parseServerURL('https://10.0.0.1:6443', ['https'], true)).toHaveProperty('value.hostIsAddress', true);
  });

  it.each`
    text                         | schemes              | portRequired | problem
    ${'https://api.example'}     | ${['https']}         | ${true}      | ${'is not https://host:port'}
    ${'http://api.example:6443'} | ${['https']}         | ${true}      | ${'is not https://host:port'}
    ${'ftp://hub.example'}       | ${['http', 'https']} | ${false}     | ${'is not http(s)://host[:port]'}
    ${'http://hub.example/v2'}   | ${['http', 'https']} | ${false}     | ${'is not http(s)://host[:port]'}
    ${'http://1.2.3'}            | ${['http', 'https']} | ${false}     | ${'"1.2.3" is not a valid IPv4 address'}
    ${'https://k8s.example:0'}   | ${['https']}         | ${true}      | ${'port 0 is out of range'}
  `('refuses $text', ({ text, schemes, portRequired, problem }) => {
    expect(parseServerURL(text, schemes, portRequired)).toEqual({ problem });
  });
});

/** Lines that split a host from a port by hand, which only endpoint.ts may do. */
const HAND_PARSING = [/lastIndexOf\(':'\)/, /:\\\/\\\/\(/, /slice\('[a-z]+:\/\/'\.length\)/];

it('no package source but endpoint.ts parses host:port or a URL by hand', () => {
  const packages = join(__dirname, '..', '..');
  const sources = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? ['node_modules', 'dist'].includes(entry.name)
          ? []
          : sources(join(folder, entry.name))
        : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
          ? [join(folder, entry.name)]
          : [],
    );
  const found = sources(packages)
    .filter((file) => !file.endsWith(join('spec', 'src', 'endpoint.ts')))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => HAND_PARSING.some((pattern) => pattern.test(line)))
        .map((line) => `${relative(packages, file)}: ${line.trim()}`),
    );
  expect(found).toEqual([]);
});
