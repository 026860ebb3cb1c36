import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's one registry: metrics are registered once per process (a second registration
 * of a name throws), whatever the number of apps in it (the e2e tests start several).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/**
 * Counts every request under the route pattern that answered it (`/api/dispatches/:id`, never
 * the raw URL, which would make a series per id), `unmatched` when no route did (a 404 from
 * no route or a catch-all). Mounted
 * ahead of the routes; the pattern is known once the response is finished.
 */
export function httpMetrics() {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = httpDuration.startTimer();
    res.once('finish', () => {
      const pattern = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
      // A catch-all that answers 404 (Nest's, the web app's "not found" page) matched nothing.
      const caughtAll = pattern?.includes('*') && res.statusCode === 404;
      const route = pattern && !caughtAll ? pattern : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}

/** What the gauges below read on each scrape; set by the running app's MetricsService. */
export interface MetricsSource {
  outbox(): Promise<{ type: string; pending: number; oldestAgeSeconds: number }[]>;
  /** The job that folds each event type (outbox-routes). */
  foldOf(type: string): string;
  folds(): string[];
  queues(): Promise<{ queue: string; counts: Record<string, number> }[]>;
  weeklyReports(): Promise<{ hub: string; generatedAt: Date | null; overdue: boolean }[]>;
}

let source: MetricsSource | undefined;

export function useMetricsSource(next: MetricsSource | undefined): void {
  source = next;
}

/**
 * One read per scrape: several gauges come from one query, and each gauge's collect asks for
 * it; the answer is shared by the collects of the same scrape, then dropped.
 */
function perScrape<T>(read: (from: MetricsSource) => Promise<T[]>): () => Promise<T[]> {
  let pending: Promise<T[]> | undefined;
  return () => {
    pending ??= (source ? read(source) : Promise.resolve([])).finally(() =>
      setImmediate(() => (pending = undefined)),
    );
    return pending;
  };
}

const outbox = perScrape((from) => from.outbox());
const queues = perScrape((from) => from.queues());
const weeklyReports = perScrape((from) => from.weeklyReports());

new Gauge({
  name: 'relief_hub_outbox_pending_events',
  help: 'Outbox events not folded yet, by type',
  labelNames: ['type'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const row of await outbox()) this.set({ type: row.type }, row.pending);
  },
});

new Gauge({
  name: 'relief_hub_outbox_oldest_event_age_seconds',
  help: 'Age of the oldest outbox event not folded yet, by type (absent when none waits)',
  labelNames: ['type'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const row of await outbox()) this.set({ type: row.type }, row.oldestAgeSeconds);
  },
});

new Gauge({
  name: 'relief_hub_fold_lag_seconds',
  help: 'How far the figures a fold job keeps lag behind what was recorded: the age of the oldest event it has still to fold (0 when none)',
  labelNames: ['job'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const rows = await outbox();
    if (!source) return;
    const lag = new Map(source.folds().map((job) => [job, 0]));
    for (const row of rows) {
      const job = source.foldOf(row.type);
      lag.set(job, Math.max(lag.get(job) ?? 0, row.oldestAgeSeconds));
    }
    for (const [job, seconds] of lag) this.set({ job }, seconds);
  },
});

new Gauge({
  name: 'relief_hub_queue_jobs',
  help: 'BullMQ jobs per queue and state (waiting, active, failed, delayed)',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const { queue, counts } of await queues()) {
      for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
    }
  },
});

new Gauge({
  name: 'relief_hub_weekly_report_last_generated_timestamp_seconds',
  help: "When each hub's newest weekly report was generated, Unix time (absent before the first)",
  labelNames: ['hub'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const { hub, generatedAt } of await weeklyReports()) {
      if (generatedAt) this.set({ hub }, new Date(generatedAt).getTime() / 1000);
    }
  },
});

new Gauge({
  name: 'relief_hub_weekly_report_overdue',
  help: '1 when a hub lacks the report of the week that ended, past Monday 08:00 hub time; else 0',
  labelNames: ['hub'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const { hub, overdue } of await weeklyReports()) this.set({ hub }, overdue ? 1 : 0);
  },
});
