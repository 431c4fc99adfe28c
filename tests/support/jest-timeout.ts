/**
 * Every test file's default time limit, as the spawned programs' (deadline.ts): 30 s at rest, stretched by the
 * machine's load when the file starts. A test file that sets its own limit (jest.setTimeout) does so through
 * deadline() too.
 */
import { deadline } from './deadline';

jest.setTimeout(deadline(30_000));
