import { Scalar } from 'yaml';

/**
 * The formats artifacts are written in, and what each knows about holding a secret: the one table a new format
 * is added to (`ArtifactFormat` is its keys).
 *
 * `render` fills a secret into an artifact's data, at a key its descriptor declares (`secretKeys`), and renders
 * the text again with the descriptor's own `render`. So a serialised format (YAML, JSON, TOML) needs nothing
 * here but what its serialiser cannot write faithfully: the serialiser quotes and escapes. A format written by
 * an EJS template pastes the value as it is, so its entry refuses what the format cannot hold and `encode`s the
 * value as the template's spot needs it. What only one kind of file needs (keepalived's 8-character
 * `auth_pass`, Harbor's 32-byte CSRF_KEY) is that descriptor's `placeSecret`.
 *
 * Every reason describes the value without quoting it, and is read after "it": "it contains …".
 */
export interface SecretFormat {
  /** Why the value cannot be placed in a file of this format, or undefined when it can. */
  readonly refuse?: (value: string) => string | undefined;
  /**
   * The value as it goes into the data: for a template, escaped for where the format's templates put it; for a
   * serialiser, what makes it write the value as a secret is written (a YAML double-quoted scalar).
   */
  readonly encode?: (value: string) => unknown;
}

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is this expression's whole purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A value for a line of a line format: one line of printable characters, no blanks the format would drop. */
function lineProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'contains a newline or another control character';
  if (/^\s|\s$/.test(value)) return 'starts or ends with a blank, which the format would drop';
  return undefined;
}

const LINE: SecretFormat = { refuse: lineProblem };

/**
 * Characters the YAML serialiser (eemeli/yaml, which escapes through JSON.stringify) writes raw, and which YAML
 * readers refuse (DEL, C1 controls; PyYAML's reader) or read as a line break (NEL, U+2028, U+2029), or drop (a
 * byte-order mark): YAML 1.2, 5.1 and 5.4.
 */
const YAML_RAW = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

export const ARTIFACT_FORMATS = {
  // Serialised from data: the serialiser quotes and escapes (a newline in a YAML value is escaped, never a new key).
  // Double-quoted, as the placeholder was: a plain scalar would be read by a YAML 1.1 reader as true for `yes` or
  // 1000 for `1_000`. The serialiser escapes quotes, backslashes and C0 controls.
  yaml: {
    encode: (value) => Object.assign(new Scalar(value), { type: Scalar.QUOTE_DOUBLE }),
    refuse: (value) =>
      YAML_RAW.test(value)
        ? 'contains DEL, a C1 control character, a line or paragraph separator or a byte-order mark, which YAML readers refuse or read otherwise'
        : undefined,
  },
  json: {},
  toml: {},
  // consul.hcl: the templates put secrets in "…" strings. Consul reads HCL1, which has no escape for control
  // characters, `${` or `%{` that HCL2 would read the same way: those are refused, \ and " escaped.
  hcl: {
    refuse: (value) => {
      if (CONTROL.test(value)) return 'contains a newline or another control character, which HCL strings cannot hold';
      if (/[$%]\{/.test(value)) return 'contains "${" or "%{", which HCL would read as a template';
      return undefined;
    },
    encode: (value) => value.replace(/[\\"]/g, (char) => `\\${char}`),
  },
  nginx: LINE,
  haproxy: LINE,
  'go-template': LINE,
  // harbor.cfg, read by Python's ConfigParser, which cuts a value at a `;` or `#` after a blank.
  ini: {
    refuse: (value) =>
      lineProblem(value) ?? (/\s[;#]/.test(value) ? 'contains ";" or "#" after a blank, where harbor.cfg (ConfigParser) starts a comment' : undefined),
  },
  // The env files generated here are Harbor's: 1.x's templates go through ./prepare's string.Template, so `$` is written `$$`.
  env: { refuse: lineProblem, encode: (value) => value.replace(/\$/g, '$$$$') },
  hosts: LINE,
  'resolv.conf': LINE,
  systemd: LINE,
  shell: LINE,
  openssl: LINE,
  svg: LINE,
  // keepalived splits a line into words, reads { } " as syntax and ! or # as a comment.
  keepalived: {
    refuse: (value) =>
      !/^[\x21-\x7e]+$/.test(value) || /[{}"!#]/.test(value)
        ? 'is not one word of printable ASCII without { } " ! #, which keepalived.conf cannot hold'
        : undefined,
  },
  sysctl: LINE,
  python: LINE,
} satisfies Record<string, SecretFormat>;

/** How an artifact's text is written: the serialiser or template family of its render function (a key of ARTIFACT_FORMATS). */
export type ArtifactFormat = keyof typeof ARTIFACT_FORMATS;
