import type { Command } from '../command';
import { check } from './check';
import { diff } from './diff';
import { explain } from './explain';
import { generate } from './generate';
import { init } from './init';
import { lint } from './lint';
import { render } from './render';
import { validate } from './validate';

/** Every subcommand, in the order the main usage lists them. */
export const commands: readonly Command[] = [generate, check, lint, validate, init, explain, diff, render];
