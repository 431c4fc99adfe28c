import type { Version } from '../version';

/** A release as major.minor, or major.minor.patch where a patch release changed something. */
export type ReleaseKey = readonly [number, number] | readonly [number, number, number];

/** One row of a program's history: from `since` on, the decisions it names replace those of the rows before. */
export type ReleaseRow<R> = { readonly since: ReleaseKey; readonly why: string } & Partial<R>;

/** Minor releases from `from` to `to`, both included, whose generated files were checked. */
export interface SupportedRange {
  readonly from: readonly [number, number];
  readonly to: readonly [number, number];
}

/** Why a version is refused, and what to write instead: a spec problem at the version field. */
export interface Refusal {
  readonly message: string;
  readonly hint: string;
}

export type Resolution<R> = { readonly release: R } | { readonly refusal: Refusal };

/** A program's release history: the one place that compares version numbers. */
export interface ReleaseTable<R> {
  /** The program's name as messages print it, e.g. "Kubernetes". */
  readonly program: string;
  readonly rows: readonly ReleaseRow<R>[];
  readonly supported: readonly SupportedRange[];
  /** The supported ranges in words, e.g. "1.6.x and 1.15–1.34". */
  readonly supportedText: string;
  /** The newest supported minor release, e.g. "1.34". */
  readonly newest: string;
  /** The decisions for a version, or why it is refused (outside every supported range). */
  resolve(version: Version): Resolution<R>;
}

function compareRelease(version: Version, key: ReleaseKey): number {
  return version.major - key[0] || version.minor - key[1] || version.patch - (key[2] ?? 0);
}

const minorText = ([major, minor]: readonly [number, number]) => `${major}.${minor}`;

/** A version's release series, major.minor (e.g. "2.1" for 2.1.4). */
export function releaseSeries(version: Version): string {
  return minorText([version.major, version.minor]);
}

/**
 * Builds a program's table. Rows are applied in order up to the version, so each row states only what
 * changed; `unsupported` words the refusal of an old or skipped release, while a release newer than the
 * newest supported one is refused here, naming that one (a 1.43 typed for 1.34 must not pass as "new").
 */
export function releaseTable<R>(options: {
  program: string;
  rows: readonly ReleaseRow<R>[];
  supported: readonly SupportedRange[];
  unsupported: (version: Version, supportedText: string) => Refusal;
}): ReleaseTable<R> {
  const { program, rows, supported } = options;
  const supportedText = supported
    .map(({ from, to }) => (minorText(from) === minorText(to) ? `${minorText(from)}.x` : `${minorText(from)}–${minorText(to)}`))
    .join(' and ');
  const newestRange = supported[supported.length - 1].to;
  const newest = minorText(newestRange);
  const inRange = (version: Version, { from, to }: SupportedRange) => compareRelease(version, from) >= 0 && compareRelease(version, [to[0], to[1] + 1]) < 0;
  return {
    program,
    rows,
    supported,
    supportedText,
    newest,
    resolve(version) {
      if (compareRelease(version, [newestRange[0], newestRange[1] + 1]) >= 0) {
        return {
          refusal: {
            message: `${program} ${version.text} is not supported: it is newer than ${newest}, the newest release whose files were checked`,
            hint: `use ${program} ${newest} or an older supported release (${supportedText}); a newer release needs its row in the release table first`,
          },
        };
      }
      if (!supported.some((range) => inRange(version, range))) return { refusal: options.unsupported(version, supportedText) };
      let release = {} as R;
      for (const { since, why: _why, ...change } of rows) {
        if (compareRelease(version, since) >= 0) release = { ...release, ...(change as Partial<R>) };
      }
      return { release };
    },
  };
}
