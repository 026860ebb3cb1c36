#!/usr/bin/env node
// Backs up a relief-hub database with pg_dump, restores it into a new database with pg_restore,
// and compares the two: every table's rows (count and checksum), the stock on hand per item and
// the dispatch statistics. Exits 0 when the restore holds the same figures, 1 otherwise.
//
//   node test/backup/backup-restore.mjs <DATABASE_URL> [--keep]
//
// --keep leaves the restored database in place (its URL is printed) instead of dropping it.
// pg_dump and pg_restore come from the PATH (Debian: postgresql-client) and must be of the
// server's major version or newer.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

async function query(url, sql, params = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** What must survive a backup: every table's rows, and the figures users read. */
async function figures(url) {
  const tables = await query(
    url,
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const rows = {};
  for (const { tablename } of tables) {
    const [row] = await query(
      url,
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS sum
         FROM "${tablename.replace(/"/g, '""')}" t`,
    );
    rows[tablename] = `${row.n} rows, md5 ${row.sum}`;
  }
  const stock = await query(
    url,
    `SELECT h.code AS hub, i.sku, s.on_hand::text AS "onHand"
       FROM stock_level s JOIN item i ON i.id = s.item_id JOIN hub h ON h.id = s.hub_id
      ORDER BY h.code, i.sku`,
  );
  const [statistics] = await query(
    url,
    `SELECT coalesce(sum(trucks), 0)::int AS trucks,
            round(coalesce(sum(tonnage_kg), 0) / 1000, 3)::text AS tonnes
       FROM dispatch_rollup`,
  );
  return { statistics, stock, rows };
}

export async function backupAndRestore(sourceUrl, { keep = false } = {}) {
  const source = new URL(sourceUrl);
  const restored = new URL(sourceUrl);
  restored.pathname = `/${source.pathname.slice(1)}_restored_${Date.now().toString(36)}`;
  const admin = new URL(sourceUrl);
  admin.pathname = '/postgres';
  const dir = await mkdtemp(join(tmpdir(), 'relief-hub-backup-'));
  const dump = join(dir, 'relief-hub.dump');
  try {
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, sourceUrl]);
    await query(admin.toString(), `CREATE DATABASE "${restored.pathname.slice(1)}"`);
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restored}`, dump]);
    const [before, after] = await Promise.all([figures(sourceUrl), figures(restored.toString())]);
    return { restoredUrl: restored.toString(), before, after };
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (!keep) {
      await query(
        admin.toString(),
        `DROP DATABASE IF EXISTS "${restored.pathname.slice(1)}" WITH (FORCE)`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, ...flags] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node test/backup/backup-restore.mjs <DATABASE_URL> [--keep]');
    process.exit(2);
  }
  const { restoredUrl, before, after } = await backupAndRestore(url, {
    keep: flags.includes('--keep'),
  });
  const same = JSON.stringify(before) === JSON.stringify(after);
  console.log(
    JSON.stringify(
      { same, restoredUrl, statistics: after.statistics, stock: after.stock, tables: after.rows },
      null,
      2,
    ),
  );
  if (!same) {
    console.error('The restored database differs from the source:');
    console.error(JSON.stringify({ before, after }, null, 2));
  }
  process.exit(same ? 0 : 1);
}
