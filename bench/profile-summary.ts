import { readFileSync } from 'node:fs';

/**
 * Where a V8 CPU profile (`node --cpu-prof`, or `BENCH_CPU_PROF=<folder> npm run bench`) spent its
 * time: self time per function and per module (a package under node_modules, or a file of ours),
 * as shares of the samples taken while not idle. Usage: `npx tsx bench/profile-summary.ts FILE [top]`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

const selfMicros = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));

const moduleOf = (url: string): string => {
  if (!url) return '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1]!;
  if (url.startsWith('node:')) return url;
  const ours = /\/(src|dist)\/(.+)$/.exec(url);
  return ours ? ours[2]! : url;
};

const byFunction = new Map<string, number>();
const byModule = new Map<string, number>();
let busy = 0;
let idle = 0;
for (const [id, micros] of selfMicros) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') {
    idle += micros;
    continue;
  }
  busy += micros;
  const name = `${functionName || '(anonymous)'} ${moduleOf(url)}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const module = functionName === '(garbage collector)' ? '(garbage collector)' : moduleOf(url);
  byModule.set(module, (byModule.get(module) ?? 0) + micros);
}

const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * micros) / busy).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
};
console.log(`busy ${(busy / 1e6).toFixed(1)} s, idle or program ${(idle / 1e6).toFixed(1)} s`);
print('self time by module', byModule);
print('self time by function', byFunction);
