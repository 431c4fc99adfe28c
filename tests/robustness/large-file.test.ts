/**
 * The writer encodes a file into a fixed buffer a slice at a time (packages/cli/src/atomic-write.ts): a file of
 * several slices, with a character of four UTF-8 bytes (a surrogate pair in the string) across every slice
 * boundary the writer could choose, is written byte for byte.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArtifacts } from '@clusterspec/cli';

describe('the writer', () => {
  it('writes a text longer than its buffer, split only between whole characters', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'clusterspec-large-file-'));
    try {
      const slice = 1 << 18;
      // Shifted by one each time, a pair straddles a slice boundary in one of these texts whatever the slice.
      const texts = [0, 1, 2].map((shift) => `${'x'.repeat(slice - 1 + shift)}\u{1F600}é${'y'.repeat(2 * slice)}\u{1F600}`);
      const artifacts = texts.map((content, index) => ({ path: `big/${index}.txt`, content, mode: 0o644 }));
      writeArtifacts(join(scratch, 'site'), artifacts);
      for (const { path, content } of artifacts) expect(readFileSync(join(scratch, 'site', path)).equals(Buffer.from(content, 'utf8'))).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
