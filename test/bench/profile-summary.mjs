#!/usr/bin/env node
// node test/bench/profile-summary.mjs <file.cpuprofile> [top]: self time per function and per
// package (node_modules/<name>, the app's dist/, node internals), largest first.
import { readFileSync } from 'node:fs';

const [file, top = '40'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i += 1) {
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fns = new Map();
const packages = new Map();
const packageOf = (url) => {
  if (!url) return '(native/vm)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/dist/')) return 'app (dist/)';
  if (url.startsWith('node:')) return 'node internals';
  return url;
};
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/^.*node_modules\//, '')}:${callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const pkg = packageOf(callFrame.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}
const show = (map, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .forEach(([k, us]) =>
      console.log(
        `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
      ),
    );
console.log(`total ${(total / 1e6).toFixed(1)} s sampled\n\nby package:`);
show(packages, 25);
console.log('\nby function:');
show(fns, Number(top));
