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

/** kubeadm joins control-plane nodes itself from 1.15; before that, the legacy static-pod flow of 1.6. */
export function usesKubeadmFlow(version: Version): boolean {
  return atLeast(version, 1, 15);
}
