import { valuesAt } from '@clusterspec/spec';
import { defineRule } from '../rule';

const PLACEHOLDER = /^\{\{secret:(env|file):[^}]+\}\}$/;

/**
 * The schema already refuses a secret written as a value in the spec; this rule is the net under that
 * one, over what will be deployed: every secret-bearing key a generator's descriptor declares (its
 * `secretKeys`, paths into the artifact's data) holds a placeholder, or nothing (no password).
 */
export const secretLiteral = defineRule({
  id: 'secret-literal',
  description: 'Secret-bearing fields hold a reference, never a value, in the spec and in every generated file.',
  severity: 'error',
  messages: {
    literal: `{{path}} sets {{keyPath}} to a value that is not a {{secret:…}} placeholder; secrets come from {fromEnv} or {fromFile} references`,
  },
  reads: ['**'],
  readsWhen: (descriptor) => descriptor.secretKeys.length > 0,
  check({ artifacts, report }) {
    for (const artifact of artifacts.values()) {
      for (const key of artifact.descriptor.secretKeys) {
        for (const { path, value } of valuesAt(artifact.data, key)) {
          if (value === '' || value === null || value === undefined || (typeof value === 'string' && PLACEHOLDER.test(value))) continue;
          report({
            field: ['spec'],
            artifact: artifact.path,
            messageId: 'literal',
            data: { path: artifact.path, keyPath: path },
          });
        }
      }
    }
  },
});
