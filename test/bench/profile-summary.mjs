#!/usr/bin/env node
// node test/bench/profile-summary.mjs <file.cpuprofile> [top]: self time per function and per
// package (node_modules/<name>, the app's dist/, node internals), largest first, and by layer
// (issue 19): each sample goes to the innermost package or app frame of its stack, so the time
// a library spends in Node's internals or in V8 counts for that library.
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

const LAYERS = [
  [
    'workers (synchronous frames)',
    /^(bullmq|ioredis|msgpackr|cron-parser)$|\/dist\/src\/(outbox|stats|jobs)\//,
  ],
  [
    'HTTP: Express, router, body parsing',
    /^(express|router|body-parser|raw-body|type-is|iconv-lite|content-type|media-typer|path-to-regexp|etag|fresh|forwarded|proxy-addr|parseurl|on-finished|finalhandler|send|accepts|negotiator|mime-types|qs|statuses|encodeurl|vary)$/,
  ],
  [
    'HTTP: logging',
    /^(pino|pino-http|pino-std-serializers|@pinojs\/redact|sonic-boom|nestjs-pino)$|\/dist\/src\/logger\.js/,
  ],
  [
    'HTTP: other middleware',
    /^(helmet|express-rate-limit|prom-client)$|\/dist\/src\/(common\/http|metrics)\//,
  ],
  [
    'validation',
    /^(class-validator|class-transformer|validator)$|\/dist\/src\/common\/validation\//,
  ],
  ['Nest pipeline', /^(@nestjs\/[^/]+|rxjs|reflect-metadata)$/],
  [
    'pg and TypeORM',
    /^(typeorm|pg|pg-protocol|pg-pool|pg-types|postgres-date|postgres-array|postgres-interval)$/,
  ],
];
const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String']);
const parentOf = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parentOf.set(child, node.id);
function layerOf(id) {
  const stack = [];
  for (let at = id; at !== undefined; at = parentOf.get(at)) stack.push(byId.get(at).callFrame);
  const leaf = stack[0].functionName;
  if (leaf === '(idle)' || leaf === '(program)') return leaf;
  if (leaf === '(garbage collector)') return 'garbage collection';
  if (stack.some((f) => f.url === 'node:inspector')) return '(the profiler itself)';
  const frames = stack.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url)?.[1] ?? f.url);
  if (SOCKET_WRITES.has(leaf)) {
    const to = frames.find((f) => /^(pg|ioredis)$/.test(f));
    // mostly waiting for a core after waking the reader, not CPU (compare /proc's system time)
    return `socket writes (${to === 'pg' ? 'PostgreSQL' : to === 'ioredis' ? 'Redis' : 'HTTP responses'})`;
  }
  if (frames.some((f) => LAYERS[0][1].test(f))) return LAYERS[0][0];
  for (const frame of frames) {
    if (/^node:(_http|http)/.test(frame)) return "HTTP: Node's http";
    if (!frame || frame.startsWith('node:')) continue;
    const layer = LAYERS.find(([, pattern]) => pattern.test(frame));
    if (layer) return layer[0];
    return frame.includes('/dist/') ? "the app's own code" : `other: ${frame}`;
  }
  return "Node's internals";
}
const NOT_BUSY = /^\((idle|the profiler itself)\)|^socket writes/;
const layers = new Map();
for (let i = 0; i < profile.samples.length; i += 1) {
  const layer = layerOf(profile.samples[i]);
  layers.set(layer, (layers.get(layer) ?? 0) + (dt[i] ?? 0));
}
const busy = [...layers]
  .filter(([layer]) => !NOT_BUSY.test(layer))
  .reduce((a, [, us]) => a + us, 0);
console.log(
  `\nby layer (% of ${(busy / 1e6).toFixed(1)} s busy: not idle, the profiler or socket writes):`,
);
for (const [layer, us] of [...layers].sort((a, b) => b[1] - a[1])) {
  const share = NOT_BUSY.test(layer) ? '    -' : ((100 * us) / busy).toFixed(1).padStart(5);
  console.log(`${share}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${layer}`);
}
