import { testRule } from '@clusterspec/lint/testing';
import { lbProxyTimeout } from './lb-proxy-timeout';

const CUTS_WATCHES = 'watches stay idle for minutes, so every watch is cut: use 10m or more';
const PROXY_TIMEOUT = 'proxyTimeout: 10m';

testRule(lbProxyTimeout, {
  valid: [
    { name: 'ten minutes', fixture: 'seed-ha' },
    { name: 'an hour', fixture: 'modern', replacements: [[PROXY_TIMEOUT, 'proxyTimeout: 1h']] },
    { name: '600s', fixture: 'modern', replacements: [[PROXY_TIMEOUT, 'proxyTimeout: 600s']] },
  ],
  invalid: [
    {
      name: 'proxy_timeout 3s',
      fixture: 'seed-ha',
      replacements: [[PROXY_TIMEOUT, 'proxyTimeout: 3s']],
      errors: [
        {
          messageId: 'shortTimeout',
          message: `the apiserver load balancer on emei closes connections idle for 3s; ${CUTS_WATCHES}`,
          line: 'proxyTimeout: 3s',
          column: 21,
          field: 'spec.kubernetes.loadBalancer.proxyTimeout',
          artifact: 'hosts/emei/etc/nginx/nginx.conf',
          hosts: ['emei'],
        },
      ],
    },
    {
      name: 'engine haproxy: its timeout client/server are proxyTimeout, judged the same (haproxy.cfg is a balancer too)',
      fixture: 'seed-ha',
      replacements: [
        [PROXY_TIMEOUT, 'proxyTimeout: 3s'],
        ['engine: nginx ', 'engine: haproxy'],
      ],
      errors: [
        {
          messageId: 'shortTimeout',
          message: `the apiserver load balancer on emei closes connections idle for 3s; ${CUTS_WATCHES}`,
          field: 'spec.kubernetes.loadBalancer.proxyTimeout',
          artifact: 'hosts/emei/etc/haproxy/haproxy.cfg',
        },
      ],
    },
    {
      name: 'just under ten minutes, on both balancers',
      fixture: 'modern',
      replacements: [[PROXY_TIMEOUT, 'proxyTimeout: 599s']],
      errors: [
        {
          messageId: 'shortTimeout',
          message: `the apiserver load balancer on 2 hosts (lb-1, lb-2) closes connections idle for 599s; ${CUTS_WATCHES}`,
          line: 'proxyTimeout: 599s',
          column: 21,
          field: 'spec.kubernetes.loadBalancer.proxyTimeout',
          artifact: 'hosts/lb-1/etc/consul-template/nginx.conf.preview',
          hosts: ['lb-1', 'lb-2'],
        },
      ],
    },
  ],
});
