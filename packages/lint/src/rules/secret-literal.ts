import { defineRule } from '../rule';

/** Keys that carry a secret in the files generated here (Harbor, Consul, kubeadm); only a placeholder may follow them. */
const SECRET_ASSIGNMENT = /^\s*[-\s]*"?(db_password|harbor_admin_password|password|MYSQL_PWD|POSTGRESQL_PASSWORD|encrypt|token|certificateKey)"?\s*[:=]\s*"?([^"\n#]*)"?/gim;
const PLACEHOLDER = /^\{\{secret:(env|file):[^}]+\}\}$/;
/** Harbor 1.1's ui env: `_REDIS_URL=host:port,poolsize,password,dbnum`. */
const REDIS_SESSION_URL = /^_REDIS_URL=[^,\n]*,[^,\n]*,([^\n]*),[0-9]+$/gm;
/** Harbor 1.x's prepare fills `$name` in its templates from harbor.cfg, where the placeholder is. */
const TEMPLATE_VARIABLE = /^\$[a-z_]+$/;

/**
 * The schema already refuses a secret written as a value in the spec; this rule is the net under that
 * one, over what will be deployed: a secret-bearing key in a generated file holding anything but a placeholder.
 */
export const secretLiteral = defineRule({
  id: 'secret-literal',
  description: 'Secret-bearing fields hold a reference, never a value, in the spec and in every generated file.',
  severity: 'error',
  reads: ['**'],
  check({ artifacts, report }) {
    for (const artifact of artifacts.values()) {
      for (const match of artifact.content.matchAll(REDIS_SESSION_URL)) {
        const password = match[1];
        if (password === '' || PLACEHOLDER.test(password)) continue;
        report({ field: ['spec'], artifact: artifact.path, message: `${artifact.path} carries a Redis password in _REDIS_URL that is not a {{secret:…}} placeholder` });
      }
      for (const match of artifact.content.matchAll(SECRET_ASSIGNMENT)) {
        const value = match[2].trim();
        if (value === '' || PLACEHOLDER.test(value) || TEMPLATE_VARIABLE.test(value)) continue;
        report({ field: ['spec'], artifact: artifact.path, message: `${artifact.path} sets ${match[1]} to a value that is not a {{secret:…}} placeholder; secrets come from {fromEnv} or {fromFile} references` });
      }
    }
  },
});
