export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

/** A version as written (the schema admits major.minor.patch); only the release tables (releases/) compare versions. */
export function parseVersion(text: string): Version {
  const [major, minor, patch] = text.split('.').map(Number);
  return { major, minor, patch, text };
}
