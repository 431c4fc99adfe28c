import type { Command } from '../command';
import { check } from './check';
import { generate } from './generate';
import { lint } from './lint';
import { validate } from './validate';

/** Every subcommand, in the order the main usage lists them. */
export const commands: readonly Command[] = [generate, check, lint, validate];
