import { testRule } from '@clusterspec/lint/testing';
import { endpointIsServiceName } from './endpoint-is-service-name';

testRule(endpointIsServiceName, {
  valid: [
    { name: 'a name of its own', fixture: 'modern' },
    { name: 'the endpoint as an address', fixture: 'edge' },
  ],
  invalid: [
    {
      name: 'controlPlaneEndpoint kubernetes.default.svc (the seed site)',
      fixture: 'seed-ha',
      errors: [
        {
          messageId: 'serviceName',
          message:
            'controlPlaneEndpoint kubernetes.default.svc:8443 is the name of the kubernetes Service: inside pods (and on hosts using cluster DNS) it resolves to 10.96.0.1, where nothing listens on 8443; use a name of your own for the load balancer',
          line: 'controlPlaneEndpoint: kubernetes.default.svc:8443',
          column: 27,
          field: 'spec.kubernetes.controlPlaneEndpoint',
        },
      ],
    },
  ],
});
