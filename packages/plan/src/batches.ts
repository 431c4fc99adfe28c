/** Splits a list into batches of at most `size`, keeping the order. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** kubespray's upgrade default (`serial: 20%`): a fifth of the workers at a time, at least one. */
export const defaultWorkerBatchSize = (workers: number) => Math.max(1, Math.ceil(workers / 5));
