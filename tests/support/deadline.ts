/**
 * How long a test lets a spawned program (or a wait) run: a limit generous on an idle machine, stretched by how
 * busy the machine is now. The tests share two cores with other test runs; at a load average of 14 on two
 * cores, sign.sh took more than 60 s (issue 22, item 8) where it takes 3 s at rest. A test must fail because
 * the program is wrong, never because the machine is slow, and must still end if the program hangs.
 */
import { availableParallelism, loadavg } from 'node:os';

/**
 * How many times slower than at rest the machine is likely to run a program now: the runnable processes per
 * core (the larger of the 1- and 5-minute load averages, so a burst that just began or just ended counts), at
 * least 1. CLUSTERSPEC_TEST_SLOWDOWN, a number, raises it for a machine known to be slow (an emulated one).
 */
export function slowdown(): number {
  const [oneMinute, fiveMinutes] = loadavg();
  const busy = Math.max(oneMinute, fiveMinutes) / availableParallelism();
  const declared = Number(process.env.CLUSTERSPEC_TEST_SLOWDOWN);
  return Math.max(1, busy, Number.isFinite(declared) ? declared : 1);
}

/** A time limit in ms: `atRest`, generous for an idle machine, times slowdown() now. */
export function deadline(atRest: number): number {
  return Math.ceil(atRest * slowdown());
}
