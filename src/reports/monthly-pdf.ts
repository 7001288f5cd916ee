import PDFDocument from 'pdfkit';
import { CASE_TYPES } from '../cases/case-type.js';
import { dateFormat } from '../date-format.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import type { Dashboard } from './dashboard.js';

export interface MonthlyReportInput {
  dashboard: Dashboard;
  /** YYYY-MM */
  month: string;
  municipality: string;
  locale: Locale;
  generatedAt: Date;
}

const INK = '#1d2733';
const MUTED = '#5b6776';
const BRAND = '#12355b';
const OPENED = '#1f6f8b';
const CLOSED = '#e08a1e';
const RULE = '#d5dce3';

/**
 * The mayor's office monthly report: a cover with the indicators, the charts as vector bars and a
 * table per department, numbered pages. pdfkit's built-in Helvetica speaks WinAnsi, which has every
 * Spanish letter and sign (á é í ó ú ü ñ ¿ ¡ « »), so no font file is needed or embedded.
 */
export function renderMonthlyReport(input: MonthlyReportInput): Promise<Uint8Array> {
  const { dashboard: d, locale } = input;
  const tr = (key: string, params?: Record<string, string | number>) => t(locale, `report.monthly.${key}` as MessageKey, params);
  const label = (key: string) => t(locale, key as MessageKey);
  const number = (n: number | null, digits = 0) => (n === null ? '—' : numberFormat(locale, digits).format(n));
  const monthName = capitalize(
    dateFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${input.month}-01T12:00:00Z`)),
  );
  const generated = dateFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: d.timeZone }).format(input.generatedAt);

  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 50,
      bufferPages: true,
      info: { Title: `${tr('title')} — ${monthName}`, Author: input.municipality, Creator: 'Ventanilla' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;

    // Cover.
    doc.rect(0, 0, doc.page.width, 250).fill(BRAND);
    doc.fillColor('#ffffff').font('Helvetica').fontSize(13).text(input.municipality, left, 80, { width });
    doc.font('Helvetica-Bold').fontSize(26).text(tr('title'), left, 110, { width });
    doc
      .font('Helvetica')
      .fontSize(18)
      .text(monthName, left, doc.y + 8, { width });
    doc
      .fillColor(MUTED)
      .fontSize(10)
      .text(tr('generated', { date: generated }), left, 270, { width });

    // Indicators, two rows of four boxes.
    heading(tr('indicators'), 310);
    const t0 = d.totals;
    const kpis: Array<[string, string]> = [
      [tr('kpi.opened'), number(t0.opened)],
      [tr('kpi.closed'), number(t0.closed)],
      [tr('kpi.open'), number(t0.open)],
      [tr('kpi.overdue'), number(t0.overdueOpen)],
      [tr('kpi.compliance'), d.compliance.share === null ? '—' : `${number(d.compliance.share, 1)} %`],
      [tr('kpi.first_response'), number(d.durations.toFirstResponse.medianDays, 1)],
      [tr('kpi.close'), number(d.durations.toClose.medianDays, 1)],
      [tr('kpi.satisfaction'), d.satisfaction.averageRating === null ? '—' : `${number(d.satisfaction.averageRating, 1)} / 5`],
    ];
    const boxW = (width - 3 * 10) / 4;
    kpis.forEach(([name, value], i) => {
      const x = left + (i % 4) * (boxW + 10);
      const y = 340 + Math.floor(i / 4) * 90;
      doc.roundedRect(x, y, boxW, 78, 4).lineWidth(0.8).strokeColor(RULE).stroke();
      doc
        .fillColor(BRAND)
        .font('Helvetica-Bold')
        .fontSize(20)
        .text(value, x + 8, y + 10, { width: boxW - 16 });
      doc
        .fillColor(MUTED)
        .font('Helvetica')
        .fontSize(9)
        .text(name, x + 8, y + 40, { width: boxW - 16 });
    });
    doc
      .fillColor(MUTED)
      .font('Helvetica')
      .fontSize(9)
      .text(tr('notes', { due: number(d.compliance.due) }), left, 540, { width });

    // Charts.
    doc.addPage();
    heading(tr('chart.series'), 50);
    legend([
      [OPENED, tr('kpi.opened')],
      [CLOSED, tr('kpi.closed')],
    ]);
    columns(
      d.series.map((p) => ({ label: p.period.slice(8), values: [p.opened, p.closed] })),
      [OPENED, CLOSED],
      95,
      190,
    );
    heading(tr('chart.by_type'), 330);
    bars(
      CASE_TYPES.map((k) => [label(`console.type.${k}`), d.byType[k]] as const),
      355,
    );
    const channels = Object.entries(d.byChannel).sort((a, b) => b[1] - a[1]);
    heading(tr('chart.by_channel'), 355 + CASE_TYPES.length * 22 + 25);
    bars(
      channels.map(([k, n]) => [label(`console.channel.${k}`), n] as const),
      doc.y + 10,
    );

    // A table per department.
    doc.addPage();
    heading(tr('departments'), 50);
    const compliance = new Map(d.compliance.byDepartment.map((c) => [c.departmentId, c.share]));
    const headers = [tr('col.department'), tr('kpi.opened'), tr('kpi.closed'), tr('kpi.open'), tr('kpi.overdue'), tr('kpi.compliance')];
    const widths = [width - 4 * 62 - 84, 62, 62, 62, 62, 84];
    let y = 80;
    const row = (cells: string[], bold: boolean) => {
      const h =
        Math.max(
          ...cells.map((c, i) =>
            doc
              .font(bold ? 'Helvetica-Bold' : 'Helvetica')
              .fontSize(9)
              .heightOfString(c, { width: widths[i]! - 8 }),
          ),
        ) + 8;
      if (y + h > doc.page.height - 70) {
        doc.addPage();
        y = 50;
      }
      let x = left;
      cells.forEach((c, i) => {
        doc
          .fillColor(INK)
          .font(bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(9)
          .text(c, x + 4, y + 4, { width: widths[i]! - 8, align: i === 0 ? 'left' : 'right' });
        x += widths[i]!;
      });
      y += h;
      doc
        .moveTo(left, y)
        .lineTo(left + width, y)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
    };
    row(headers, true);
    const share = (s: number | null | undefined) => (s === null || s === undefined ? '—' : `${number(s, 1)} %`);
    for (const r of d.byDepartment)
      row(
        [r.department, number(r.opened), number(r.closed), number(r.open), number(r.overdueOpen), share(compliance.get(r.departmentId))],
        false,
      );
    row(
      [
        label('console.stats.total'),
        number(t0.opened),
        number(t0.closed),
        number(t0.open),
        number(t0.overdueOpen),
        share(d.compliance.share),
      ],
      true,
    );

    // Page numbers, once every page exists.
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .fillColor(MUTED)
        .font('Helvetica')
        .fontSize(8)
        .text(`${input.municipality} · ${monthName} · ${tr('page', { n: i + 1, of: range.count })}`, left, doc.page.height - 35, {
          width,
          align: 'center',
          lineBreak: false,
        });
      doc.page.margins.bottom = bottom;
    }
    doc.end();

    function heading(text: string, at: number) {
      doc.fillColor(BRAND).font('Helvetica-Bold').fontSize(14).text(text, left, at, { width });
    }

    function legend(items: Array<[string, string]>) {
      let x = left;
      const at = doc.y + 4;
      for (const [color, text] of items) {
        doc.rect(x, at + 1, 8, 8).fill(color);
        doc
          .fillColor(INK)
          .font('Helvetica')
          .fontSize(9)
          .text(text, x + 12, at, { lineBreak: false });
        x += 24 + doc.widthOfString(text);
      }
    }

    /** Grouped vertical bars, one group per step, with a scale line and its top value. */
    function columns(groups: Array<{ label: string; values: number[] }>, colors: string[], top: number, height: number) {
      const max = Math.max(1, ...groups.flatMap((g) => g.values));
      const axis = 30;
      const plotW = width - axis;
      const slot = plotW / Math.max(1, groups.length);
      const barW = Math.max(1, (slot * 0.8) / colors.length);
      doc.fillColor(MUTED).font('Helvetica').fontSize(7);
      doc.text(number(max), left, top - 3, { width: axis - 4, align: 'right' });
      doc.text('0', left, top + height - 6, { width: axis - 4, align: 'right' });
      doc
        .moveTo(left + axis, top)
        .lineTo(left + width, top)
        .lineWidth(0.3)
        .strokeColor(RULE)
        .stroke();
      doc
        .moveTo(left + axis, top + height)
        .lineTo(left + width, top + height)
        .lineWidth(0.8)
        .strokeColor(MUTED)
        .stroke();
      const every = Math.ceil(groups.length / 16);
      groups.forEach((g, i) => {
        const x0 = left + axis + i * slot + slot * 0.1;
        g.values.forEach((v, j) => {
          const h = (height * v) / max;
          if (h > 0) doc.rect(x0 + j * barW, top + height - h, barW, h).fill(colors[j]!);
        });
        if (i % every === 0)
          doc
            .fillColor(MUTED)
            .fontSize(7)
            .text(g.label, left + axis + i * slot, top + height + 3, { width: slot * every, align: 'left', lineBreak: false });
      });
    }

    /** Horizontal bars with the label on the left and the value at the bar's end. */
    function bars(entries: ReadonlyArray<readonly [string, number]>, top: number) {
      const max = Math.max(1, ...entries.map(([, n]) => n));
      const labelW = 150;
      const plotW = width - labelW - 50;
      entries.forEach(([name, n], i) => {
        const y0 = top + i * 22;
        doc
          .fillColor(INK)
          .font('Helvetica')
          .fontSize(9)
          .text(name, left, y0 + 3, { width: labelW - 8, lineBreak: false, ellipsis: true });
        const w = (plotW * n) / max;
        if (w > 0) doc.rect(left + labelW, y0, w, 14).fill(OPENED);
        doc
          .fillColor(INK)
          .fontSize(9)
          .text(number(n), left + labelW + w + 4, y0 + 3, { lineBreak: false });
      });
      doc.x = left;
      doc.y = top + entries.length * 22;
    }
  });
}

const capitalize = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale === 'es' ? 'es-MX' : 'en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format;
}
