import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of samples by where the code lives: a package, node internals, GC, idle. */
  byArea: Array<{ area: string; percent: number }>;
  /** Hottest functions by self time. */
  top: Array<{ fn: string; where: string; percent: number }>;
}

/** Where a frame's code lives, coarse enough to say what bounds a process. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: native, outside JS)';
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1] as string;
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace) return `@notify/${workspace[1]}`;
  return url;
}

function shortWhere(frame: ProfileNode['callFrame']): string {
  const file = frame.url
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*\/packages\//, '');
  return file ? `${file}:${frame.lineNumber + 1}` : '';
}

export function summarizeProfile(file: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalHits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
  const areas = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; hits: number }>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + hits);
    const where = shortWhere(node.callFrame);
    const key = `${node.callFrame.functionName}@${where}`;
    const entry = fns.get(key) ?? { fn: node.callFrame.functionName || '(anonymous)', where, hits: 0 };
    entry.hits += hits;
    fns.set(key, entry);
  }
  const pct = (hits: number) => Math.round((hits / totalHits) * 1000) / 10;
  return {
    file,
    totalMs: (profile.endTime - profile.startTime) / 1000,
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([area, hits]) => ({ area, percent: pct(hits) })),
    top: [...fns.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, topN)
      .map((f) => ({ fn: f.fn, where: f.where, percent: pct(f.hits) })),
  };
}

/** The .cpuprofile files node --cpu-prof wrote into `dir`. */
export function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
}
