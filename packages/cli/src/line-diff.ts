/**
 * A unified line diff (Myers' O(ND) algorithm), written here because the machines this runs on may have
 * neither git nor diff, and a dependency for forty lines is not worth it.
 */

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** The shortest edit script from a to b, as kept, removed and added lines in order. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  const max = a.length + b.length;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= a.length && y >= b.length) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from the end, one edit per round.
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const saved = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && saved[offset + k - 1] < saved[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : saved[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x -= 1;
      y -= 1;
      ops.push({ kind: ' ', line: a[x] });
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: '+', line: b[(y -= 1)] });
      else ops.push({ kind: '-', line: a[(x -= 1)] });
    }
  }
  return ops.reverse();
}

/** Splits text into lines; a missing final newline is kept visible, as diff(1) does. */
function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  else parts[parts.length - 1] += '\n\\ No newline at end of file';
  return parts;
}

/** `diff -u` output between two texts (empty when equal), with `context` lines around each change. */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const ops = diffLines(lines(before), lines(after));
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let index = 0;
  while (index < ops.length) {
    if (ops[index].kind === ' ') {
      index += 1;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change within reach.
    const start = Math.max(0, index - context);
    let end = index;
    let scan = index;
    while (scan < ops.length) {
      if (ops[scan].kind !== ' ') end = scan;
      else if (scan - end > 2 * context) break;
      scan += 1;
    }
    const stop = Math.min(ops.length, end + context + 1);
    let oldStart = 1;
    let newStart = 1;
    for (const op of ops.slice(0, start)) {
      if (op.kind !== '+') oldStart += 1;
      if (op.kind !== '-') newStart += 1;
    }
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`);
    out.push(...hunk.map((op) => `${op.kind}${op.line}`));
    index = stop;
  }
  return `${out.join('\n')}\n`;
}
