import ExcelJS from 'exceljs';
import { TestApp } from './test-app.js';

export interface Line {
  sku: string;
  quantity: number;
}

/** Receives goods through the API, as warehouse staff would. */
export async function receive(t: TestApp, apiKey: string, lines: Line[], extra: object = {}) {
  const response = await t
    .http()
    .post('/api/receipts')
    .set(t.as(apiKey))
    .send({ reference: `GRN-${Date.now()}`, lines, ...extra });
  if (response.status !== 201)
    throw new Error(`receipt failed: ${response.status} ${response.text}`);
  return response.body;
}

export function dispatchBody(lines: Line[], extra: object = {}) {
  return { destination: 'AF', truckPlate: '01 A 123 BC', lines, ...extra };
}

/** On hand per SKU at the default hub (optionally as of a day). */
export async function onHand(t: TestApp, asOf?: string): Promise<Record<string, number>> {
  const response = await t
    .http()
    .get(`/api/stock${asOf ? `?asOf=${asOf}` : ''}`)
    .set(t.as())
    .expect(200);
  return Object.fromEntries(
    response.body.items.map((i: { sku: string; onHand: number }) => [i.sku, i.onHand]),
  );
}

/** The ledger invariant: per hub and item, on-hand equals the sum of the movements. */
export async function ledgerMismatches(t: TestApp) {
  return t.dataSource.query(`
    SELECT s.hub_id, s.item_id, s.on_hand, COALESCE(m.total, 0) AS movements
      FROM stock_level s
      LEFT JOIN (SELECT hub_id, item_id, sum(quantity) AS total FROM stock_movement
                  GROUP BY hub_id, item_id) m USING (hub_id, item_id)
     WHERE s.on_hand <> COALESCE(m.total, 0)
    UNION ALL
    SELECT m.hub_id, m.item_id, 0, sum(m.quantity) FROM stock_movement m
     WHERE NOT EXISTS (SELECT 1 FROM stock_level s WHERE s.hub_id = m.hub_id AND s.item_id = m.item_id)
     GROUP BY m.hub_id, m.item_id HAVING sum(m.quantity) <> 0`);
}

export async function counts(t: TestApp) {
  const [row] = await t.dataSource.query(`
    SELECT (SELECT count(*) FROM dispatch)::int AS dispatches,
           (SELECT count(*) FROM dispatch_line)::int AS lines,
           (SELECT count(*) FROM stock_movement)::int AS movements,
           (SELECT count(*) FROM receipt)::int AS receipts,
           (SELECT COALESCE(sum(on_hand), 0) FROM stock_level)::int AS "onHand",
           (SELECT count(*) FROM outbox_event)::int AS "outboxEvents",
           (SELECT count(*) FROM idempotency_record)::int AS "idempotencyRecords"`);
  return row as {
    dispatches: number;
    lines: number;
    movements: number;
    receipts: number;
    onHand: number;
    outboxEvents: number;
    idempotencyRecords: number;
  };
}

/** POSTs a historical-dispatch CSV as warehouse staff would. */
export const importCsv = (t: TestApp, apiKey: string, csv: string) =>
  t
    .http()
    .post('/api/dispatches/import')
    .set(t.as(apiKey))
    .set('Content-Type', 'text/csv')
    .send(csv);

/** The dispatch register as XLSX, read back with exceljs: its one sheet, "Dispatches". */
export async function exportedSheet(t: TestApp, apiKey?: string): Promise<ExcelJS.Worksheet> {
  const xlsx = await t
    .http()
    .get('/api/dispatches/export?format=xlsx')
    .set(t.as(apiKey))
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    })
    .expect(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx.body as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook.getWorksheet('Dispatches')!;
}
