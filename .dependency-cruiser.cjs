/**
 * The boundaries of src/, checked by `npm run lint` (dependency-cruiser).
 *
 * Each top-level folder of src/ names the folders it may import; the composition root (the files
 * directly in src/: app.module.ts, entities.ts, main.ts, ...) may import any. The allow-lists form
 * a graph without cycles (checked below when this file loads), so the folders cannot form one.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const INFRASTRUCTURE = ['common', 'config', 'database'];
const MAY_IMPORT = {
  database: [],
  common: ['database'],
  // the environment is validated with the API's own validators (one decimal rule)
  config: ['common'],
  jobs: ['common', 'config'],
  /** Embedded PostgreSQL and Redis for a bare machine: started by main.ts before the app. */
  embedded: ['config'],
  outbox: [...INFRASTRUCTURE, 'jobs'],
  // The audit trail's writer: every feature that changes users, hubs or reference data uses it.
  audit: INFRASTRUCTURE,
  auth: [...INFRASTRUCTURE, 'audit'],
  hubs: [...INFRASTRUCTURE, 'audit', 'auth'],
  catalogue: [...INFRASTRUCTURE, 'audit', 'auth'],
  'reference-data': [...INFRASTRUCTURE, 'catalogue', 'energy', 'hubs', 'transport'],
  health: [...INFRASTRUCTURE, 'auth', 'jobs', 'outbox'],
  stock: [...INFRASTRUCTURE, 'auth', 'catalogue', 'hubs'],
  transport: [...INFRASTRUCTURE, 'audit', 'auth', 'catalogue', 'hubs'],
  dispatches: [
    ...INFRASTRUCTURE,
    ...['auth', 'catalogue', 'hubs', 'jobs', 'outbox', 'stock', 'transport'],
  ],
  plans: [...INFRASTRUCTURE, 'auth', 'catalogue', 'stock'],
  // Release orders: dispatches draw on them through dispatches' ReleaseLedger port, so a
  // release's page can list its dispatches without a cycle.
  releases: [
    ...INFRASTRUCTURE,
    ...['auth', 'catalogue', 'dispatches', 'hubs', 'plans', 'stock'],
  ],
  stats: [...INFRASTRUCTURE, 'auth', 'hubs', 'jobs', 'outbox'],
  energy: [...INFRASTRUCTURE, 'audit', 'auth', 'hubs', 'jobs', 'outbox', 'stats'],
  carbon: [...INFRASTRUCTURE, 'auth', 'energy', 'hubs', 'stats'],
  reports: [
    ...INFRASTRUCTURE,
    ...['auth', 'carbon', 'catalogue', 'dispatches', 'energy', 'hubs', 'jobs', 'outbox'],
    ...['releases', 'stats', 'stock'],
  ],
  /** GET /metrics: reads the outbox, the queues and the weekly reports through their services. */
  metrics: [...INFRASTRUCTURE, 'auth', 'jobs', 'outbox', 'reports'],
  web: [
    ...INFRASTRUCTURE,
    'audit',
    ...['auth', 'carbon', 'catalogue', 'dispatches', 'energy', 'hubs', 'jobs', 'plans'],
    ...['releases', 'reports', 'stats', 'stock', 'transport'],
  ],
};
const FOLDERS = Object.keys(MAY_IMPORT);
const FEATURES = FOLDERS.filter((folder) => !INFRASTRUCTURE.includes(folder));

(function assertAcyclic() {
  const state = {};
  const visit = (folder, path) => {
    if (state[folder] === 'done') return;
    if (state[folder] === 'visiting') {
      throw new Error(
        `.dependency-cruiser.cjs: the allow-lists form a cycle: ${path.join(' -> ')}`,
      );
    }
    state[folder] = 'visiting';
    for (const next of MAY_IMPORT[folder]) visit(next, [...path, next]);
    state[folder] = 'done';
  };
  FOLDERS.forEach((folder) => visit(folder, [folder]));
})();

const folders = (names) => `^src/(${names.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'infrastructure-imports-no-feature',
      comment:
        'common/, config/ and database/ are what every feature uses; they know none of them.',
      severity: 'error',
      from: { path: folders(INFRASTRUCTURE) },
      to: { path: folders(FEATURES) },
    },
    {
      name: 'nothing-imports-web',
      comment: 'The web app is a client of the features, never the other way round.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/web/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'stock-knows-nothing-of-dispatches',
      comment: 'dispatches/ calls stock/ to take stock; stock/ never calls back.',
      severity: 'error',
      from: { path: '^src/stock/' },
      to: { path: '^src/dispatches/' },
    },
    {
      name: 'stats-hears-of-dispatches-only-through-the-outbox',
      comment: 'Statistics fold outbox events; they import nothing of dispatches/.',
      severity: 'error',
      from: { path: '^src/stats/' },
      to: { path: '^src/dispatches/' },
    },
    {
      name: 'no-composition-root-imports',
      comment: 'The files directly in src/ compose the app; no folder imports them.',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    ...FOLDERS.map((folder) => ({
      name: `${folder}-imports-only-its-layers`,
      comment: `${folder}/ may import ${MAY_IMPORT[folder].join(', ') || 'no other folder of src/'}.`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: {
        path: '^src/',
        pathNot: [`^src/${folder}/`, ...MAY_IMPORT[folder].map((f) => `^src/${f}/`)],
      },
    })),
    {
      name: 'every-folder-has-an-allow-list',
      comment: 'A new folder of src/ gets its line in MAY_IMPORT in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: folders(FOLDERS) },
      to: { path: '^src/' },
    },
    {
      name: 'no-module-cycles',
      comment: 'No two modules import each other, directly or around a loop.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
