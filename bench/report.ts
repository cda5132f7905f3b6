/**
 * The bench's results on disk: `bench/results/latest.json` (what the run printed, plus the
 * machine it ran on) and `bench/results/latest.svg`, a chart drawn with Vega-Lite (compiled to
 * a Vega spec, rendered to SVG by Vega's headless renderer in Node: no browser, no canvas).
 *
 * The chart has up to three panels: the server's CPU time per request of each case against its
 * static twin (the ratio bars), the cost curves along comments per chapter, and the growth with
 * members and clubs (each figure at the larger size as a multiple of the base point).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CURVE_KEYS, CURVE_LABELS, growth, type CurvePoint } from './curve';
import { ROOT, type CaseResult } from './lib';

export const RESULTS_DIR = join(ROOT, 'bench/results');

export function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? '',
    memory_gb: Math.round(totalmem() / 1024 ** 3),
    load_average: loadavg().map((n) => Math.round(n * 100) / 100),
    at: new Date().toISOString(),
  };
}

interface ChartInput {
  /** Cases of the main run with their CPU time per request, and the name of the static twin. */
  cases?: CaseResult[];
  staticCase?: string;
  curve?: CurvePoint[];
  title: string;
}

/** The Vega-Lite spec of the chart (exported for the test of its shape). */
export function chartSpec(input: ChartInput): TopLevelSpec {
  const panels: object[] = [];
  const staticCpu = input.cases?.find((c) => c.name === input.staticCase)?.cpu_ms_per_req;
  if (input.cases && staticCpu) {
    const bars = input.cases
      .filter((c) => c.cpu_ms_per_req !== undefined && !c.name.startsWith('1 '))
      .map((c) => ({ case: c.name.length > 48 ? `${c.name.slice(0, 47)}…` : c.name, ratio: Math.round((c.cpu_ms_per_req! / staticCpu) * 100) / 100, cpu: c.cpu_ms_per_req }));
    panels.push({
      title: 'Server CPU per request, × the static twin (3)',
      width: 420,
      height: { step: 18 },
      data: { values: bars },
      layer: [
        {
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: {
            y: { field: 'case', type: 'nominal', sort: null, title: null, axis: { labelLimit: 300 } },
            // Log bars start from a floor, not from zero (log 0 is nowhere).
            x: { field: 'ratio', type: 'quantitative', stack: null, scale: { type: 'log', domainMin: 0.05 }, title: 'CPU per request ÷ static file (log)' },
            x2: { datum: 0.05 },
            tooltip: [{ field: 'cpu', title: 'ms CPU' }],
          },
        },
        { mark: { type: 'rule', color: '#e45756', strokeDash: [4, 3] }, encoding: { x: { datum: 1.5 } } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y: { field: 'case', type: 'nominal', sort: null }, x: { field: 'ratio', type: 'quantitative', stack: null }, text: { field: 'ratio', type: 'quantitative' } } },
      ],
    });
  }
  if (input.curve && input.curve.length > 0) {
    const lines = CURVE_KEYS.flatMap((key) => growth(input.curve!, 'comments', key, 'cpu_ms_per_req').map((point) => ({ case: CURVE_LABELS[key], comments: point.size, cpu: point.value })));
    const p99 = CURVE_KEYS.flatMap((key) => growth(input.curve!, 'comments', key, 'p99_ms').map((point) => ({ case: CURVE_LABELS[key], comments: point.size, p99: Math.max(point.value, 0.5) })));
    const curveEncoding = (field: string, title: string) => ({
      x: { field: 'comments', type: 'quantitative', scale: { type: 'log' }, title: 'comments per chapter (log)' },
      y: { field, type: 'quantitative', scale: { type: 'log' }, title },
      color: { field: 'case', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2 } },
    });
    panels.push({
      hconcat: [
        { title: 'Cost curve: server CPU per request', width: 300, height: 220, data: { values: lines }, mark: { type: 'line', point: true }, encoding: curveEncoding('cpu', 'ms CPU per request (log)') },
        { title: 'Cost curve: p99 latency', width: 300, height: 220, data: { values: p99 }, mark: { type: 'line', point: true }, encoding: curveEncoding('p99', 'p99 ms (log)') },
      ],
    });
    const growthBars = (['members', 'clubs'] as const).flatMap((axis) =>
      CURVE_KEYS.map((key) => {
        const along = growth(input.curve!, axis, key, 'cpu_ms_per_req');
        const first = along[0]?.value ?? 0;
        const last = along[along.length - 1];
        return along.length > 1 && first > 0 ? { axis: `${axis}: ${along[0]!.size.toLocaleString('en')} → ${last!.size.toLocaleString('en')}`, case: CURVE_LABELS[key], growth: Math.round((last!.value / first) * 100) / 100 } : null;
      }).filter((bar) => bar !== null),
    );
    if (growthBars.length > 0) {
      panels.push({
        title: 'Growth of CPU per request with members and clubs (× the base point)',
        width: 420,
        height: { step: 14 },
        data: { values: growthBars },
        mark: 'bar',
        encoding: {
          y: { field: 'case', type: 'nominal', title: null },
          yOffset: { field: 'axis' },
          x: { field: 'growth', type: 'quantitative', title: '× base' },
          color: { field: 'axis', type: 'nominal', title: null, legend: { orient: 'bottom' } },
        },
      });
    }
  }
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: input.title, vconcat: panels, resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } }, config: { font: 'sans-serif' } } as TopLevelSpec;
}

export async function renderChart(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Writes `<name>.json` and `<name>.svg` into `dir` (bench/results/ by default) and returns their paths. */
export async function writeResults(dir: string, name: string, result: object, chart: ChartInput): Promise<{ json: string; svg: string }> {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const svg = join(dir, `${name}.svg`);
  writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(svg, await renderChart(chartSpec(chart)));
  return { json, svg };
}
