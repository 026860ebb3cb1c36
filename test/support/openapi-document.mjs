// Writes the OpenAPI document the API serves at /api/docs-json to a file, without a server,
// a database or Redis: `node scripts/openapi.mjs <file.json>` (npm run openapi).
//
// The document is what `nest build` makes of the source: @nestjs/swagger's compiler plugin
// (nest-cli.json) documents the DTOs' properties from their types and comments at compile time.
// So this compiles src/ as nest build does, plugin included, into a folder of its own (dist/ may
// be in use by a running app or a test), then asks the compiled app for its document.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { before as swaggerPlugin } from '@nestjs/swagger/plugin';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/openapi.mjs <file.json>');
  process.exit(2);
}

// Inside node_modules, so the compiled files resolve their packages from the project's.
const build = join(root, 'node_modules', '.cache', 'relief-hub-openapi', String(process.pid));

function compile() {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.build.json'),
    { outDir: build, incremental: false, sourceMap: false, declaration: false },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  const program = ts.createProgram(config.fileNames, config.options);
  const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
  const plugin = nestCli.compilerOptions.plugins.find(
    (p) => (typeof p === 'string' ? p : p.name) === '@nestjs/swagger',
  );
  const result = program.emit(undefined, undefined, undefined, false, {
    before: plugin ? [swaggerPlugin(plugin.options ?? {}, program)] : [],
  });
  if (result.emitSkipped) {
    throw new Error(ts.formatDiagnostics(result.diagnostics, ts.createCompilerHost({})));
  }
  // The files some modules read when they load (the web app's assets, views, reference data).
  cpSync(join(root, 'src'), join(build, 'src'), {
    recursive: true,
    filter: (path) => !path.endsWith('.ts'),
  });
}

try {
  compile();
  const load = (path) => import(pathToFileURL(join(build, 'src', path)).href);
  await import('reflect-metadata');
  const { validateEnvironment } = await load('config/environment.js');
  const { createOpenApiDocument } = await load('app.factory.js');
  // The defaults, not this shell's environment, so the file is the same wherever it is made.
  const document = await createOpenApiDocument(validateEnvironment({}));
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(resolve(out), `${JSON.stringify(document, null, 2)}\n`);
} finally {
  rmSync(build, { recursive: true, force: true });
}
