type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;

/** One Graphviz WASM instance per process: instantiating it costs tens of milliseconds, rendering reuses it. */
let viz: Promise<Viz> | undefined;

/** DOT → SVG with Graphviz's dot layout; the same input gives the same bytes (no ids or timestamps are random). */
export async function renderSvg(dot: string): Promise<string> {
  // Required here, not at the top: the module embeds Graphviz (over a megabyte) and lint or validate never draw.
  viz ??= (require('@viz-js/viz') as typeof import('@viz-js/viz')).instance();
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') throw new Error(`internal error: graphviz refused the topology: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.output;
}
