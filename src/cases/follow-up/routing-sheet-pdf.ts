import PDFDocument from 'pdfkit';

export interface RoutingSheetPdf {
  municipality: string;
  title: string;
  folio: string;
  rows: Array<[string, string]>;
  requestLabel: string;
  request: string;
  acknowledgementLabel: string;
  acknowledgementLines: string[];
  footer: string;
}

/**
 * The routing sheet as an A4 page to print and sign, in pdfkit's built-in Helvetica (WinAnsi
 * covers Spanish), so nothing is downloaded or embedded.
 */
export function renderRoutingSheetPdf(sheet: RoutingSheetPdf): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: { Title: `${sheet.title} ${sheet.folio}`, Author: sheet.municipality, Creator: 'Ventanilla' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);

    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc.rect(left, 40, width, 56).fill('#12355b');
    doc
      .fillColor('#ffffff')
      .font('Helvetica')
      .fontSize(10)
      .text(sheet.municipality, left + 14, 50, { width: width - 28 });
    doc
      .font('Helvetica-Bold')
      .fontSize(18)
      .text(sheet.title, left + 14, 66, { width: width - 28 });
    doc.fillColor('#1d2733').font('Helvetica-Bold').fontSize(22).text(sheet.folio, left, 115);
    doc.moveDown(0.6);

    const labelWidth = 150;
    for (const [label, value] of sheet.rows) {
      const y = doc.y;
      doc
        .font('Helvetica')
        .fontSize(10)
        .fillColor('#5b6776')
        .text(label, left, y, { width: labelWidth - 10 });
      doc
        .font('Helvetica')
        .fontSize(11)
        .fillColor('#1d2733')
        .text(value || '—', left + labelWidth, y, { width: width - labelWidth });
      doc.moveDown(0.35);
      doc
        .moveTo(left, doc.y)
        .lineTo(left + width, doc.y)
        .strokeColor('#e3e7ec')
        .lineWidth(0.5)
        .stroke();
      doc.moveDown(0.35);
    }

    doc.moveDown(0.6);
    doc.font('Helvetica-Bold').fontSize(12).fillColor('#12355b').text(sheet.requestLabel, left);
    doc.moveDown(0.3);
    doc.font('Helvetica').fontSize(11).fillColor('#1d2733').text(sheet.request, left, doc.y, { width, align: 'left' });

    // The acknowledgement box stays whole on one page: start a new page when it would not fit.
    const boxHeight = 28 + sheet.acknowledgementLines.length * 26;
    if (doc.y + 30 + boxHeight > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
    const boxTop = doc.y + 24;
    doc.rect(left, boxTop, width, boxHeight).strokeColor('#12355b').lineWidth(1).stroke();
    doc
      .font('Helvetica-Bold')
      .fontSize(11)
      .fillColor('#12355b')
      .text(sheet.acknowledgementLabel, left + 12, boxTop + 10);
    let lineY = boxTop + 34;
    for (const line of sheet.acknowledgementLines) {
      doc
        .font('Helvetica')
        .fontSize(10)
        .fillColor('#1d2733')
        .text(line, left + 12, lineY);
      doc
        .moveTo(left + 150, lineY + 11)
        .lineTo(left + width - 14, lineY + 11)
        .strokeColor('#8a96a3')
        .lineWidth(0.5)
        .stroke();
      lineY += 26;
    }

    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#5b6776')
      .text(sheet.footer, left, doc.page.height - doc.page.margins.bottom - 10, { width, align: 'center', lineBreak: false });
    doc.end();
  });
}
