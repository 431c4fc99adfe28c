type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;

/** One Graphviz WASM instance per process: instantiating it costs tens of milliseconds, rendering reuses it. */
let loading: Promise<Viz> | undefined;
let viz: Viz | undefined;

/** Loads Graphviz once (WebAssembly instantiation is asynchronous); rendering is synchronous after it. */
export async function loadGraphviz(): Promise<void> {
  // Required here, not at the top: the module embeds Graphviz (over a megabyte) and lint or validate never draw.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (above), typed by its module
  loading ??= (require('@viz-js/viz') as typeof import('@viz-js/viz')).instance();
  viz = await loading;
}

/** DOT → SVG with Graphviz's dot layout; the same input gives the same bytes (no ids or timestamps are random). */
export function renderSvgLoaded(dot: string): string {
  if (!viz) throw new Error('internal error: Graphviz is not loaded; await loadGraphviz() before rendering the topology');
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') throw new Error(`internal error: graphviz refused the topology: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.output;
}

/** DOT → SVG, loading Graphviz first if needed. */
export async function renderSvg(dot: string): Promise<string> {
  await loadGraphviz();
  return renderSvgLoaded(dot);
}
