// Scenario 4: one weekly report built on the data of scenario 2, through the reports API
// (POST /api/reports/weekly 202, then GET /api/reports/weekly/:weekStart). Until that API
// exists the route answers 404 and the scenario says it was skipped.
import { performance } from 'node:perf_hooks';
import { log, round, sleep } from '../lib/util.mjs';

/** The Monday on or before a day (YYYY-MM-DD). */
function mondayOf(day) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

export async function weeklyScenario(ctx, { day }) {
  const weekStart = mondayOf(day);
  const requestedAt = Date.now();
  const started = performance.now();
  const accepted = await ctx.admin.post('/reports/weekly', { weekStart });
  if (accepted.status === 404) {
    log('weekly report: skipped: weekly reports not available');
    return { skipped: 'weekly reports not available', weekStart };
  }
  if (accepted.status !== 202) {
    throw new Error(
      `POST /api/reports/weekly answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 300)}`,
    );
  }
  for (;;) {
    const report = await ctx.admin.get(`/reports/weekly/${weekStart}`);
    // a report of this week built before our request does not count: wait for the new one
    const fresh =
      report.status === 200 && Date.parse(report.body.generatedAt) >= requestedAt - 1000;
    if (fresh) {
      const seconds = round((performance.now() - started) / 1000, 2);
      log(
        `weekly report ${weekStart}: ${seconds} s (${report.body.trucks} trucks, ${report.body.tonnes} t)`,
      );
      return {
        weekStart,
        seconds,
        trucks: report.body.trucks,
        tonnes: report.body.tonnes,
        getMs: round(report.ms, 1),
      };
    }
    if (report.status !== 200 && report.status !== 404) {
      throw new Error(`GET /api/reports/weekly/${weekStart} answered ${report.status}`);
    }
    if (performance.now() - started > 120_000)
      throw new Error(`weekly report ${weekStart} not built within 120 s`);
    await sleep(50);
  }
}
