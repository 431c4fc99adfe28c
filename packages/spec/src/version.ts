export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

export function parseVersion(text: string): Version {
  const [major, minor, patch] = text.split('.').map(Number);
  return { major, minor, patch, text };
}

/** True when version is at least major.minor. */
export function atLeast(version: Version, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
