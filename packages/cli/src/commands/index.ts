import type { Command } from '../command';

/** A subcommand as the main usage lists it; its module (and what it imports) loads only when it runs. */
export interface CommandEntry {
  readonly name: string;
  /** One line for the main usage: arguments and what it does. */
  readonly summary: string;
  load(): Command;
}

// Lazy on purpose: a pre-commit `validate` or `lint` should not load Graphviz or every generator it does not use.
// A synchronous require keeps `load` synchronous; each one is typed by its module.
/* eslint-disable @typescript-eslint/no-require-imports */
export const commands: readonly CommandEntry[] = [
  {
    name: 'generate',
    summary: 'generate <spec...> [--out DIR]  write the artifacts of each spec into DIR/<cluster>/',
    load: () => (require('./generate') as typeof import('./generate')).generate,
  },
  {
    name: 'check',
    summary: 'check <spec...> [--out DIR]     list files in DIR that differ from a fresh generation',
    load: () => (require('./check') as typeof import('./check')).check,
  },
  {
    name: 'lint',
    summary: 'lint <spec...> [--format F]     find what would fail at deploy (text, json, sarif, github)',
    load: () => (require('./lint') as typeof import('./lint')).lint,
  },
  {
    name: 'validate',
    summary: 'validate <spec...>              check specs without writing anything',
    load: () => (require('./validate') as typeof import('./validate')).validate,
  },
  {
    name: 'init',
    summary: 'init [--out FILE | --repo DIR] …  write a commented starter spec, or a sites repository around one (asks on a terminal)',
    load: () => (require('./init') as typeof import('./init')).init,
  },
  {
    name: 'explain',
    summary: "explain <artifact|rule-id>      which spec fields make a generated file and which rules read it; a rule's docs",
    load: () => (require('./explain') as typeof import('./explain')).explain,
  },
  {
    name: 'diff',
    summary: 'diff <spec...> [--out DIR]      show, as a unified diff, what generate would change in DIR/<cluster>/',
    load: () => (require('./diff') as typeof import('./diff')).diff,
  },
  {
    name: 'certs',
    summary: 'certs list|plan --certs DIR …   the collected certificates by expiry; what to re-issue, as a runbook',
    load: () => (require('./certs') as typeof import('./certs')).certs,
  },
  {
    name: 'plan',
    summary: 'plan <old> <new> | <spec> --since REF  the ordered runbook from one revision of a site to the next',
    load: () => (require('./plan') as typeof import('./plan')).plan,
  },
  {
    name: 'render',
    summary: 'render <spec> (--host H | --all) --to DIR  write deployable files with every secret filled in',
    load: () => (require('./render') as typeof import('./render')).render,
  },
  {
    name: 'images',
    summary: 'images <spec...> [--format text|json]  every image the site pulls, per host, and the skopeo copy lines',
    load: () => (require('./images') as typeof import('./images')).images,
  },
  {
    name: 'migrate',
    summary: 'migrate <spec...> [--check]     rewrite specs of an older shape (apiVersion) into the current one',
    load: () => (require('./migrate') as typeof import('./migrate')).migrate,
  },
  {
    name: 'unpack',
    summary: 'unpack <archive...> [--out DIR]  write the sites of generate --archive files into DIR/<cluster>/',
    load: () => (require('./unpack') as typeof import('./unpack')).unpack,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */
