import { escapeHtml } from '../../html.js';
import { t, type Locale } from '../../i18n/index.js';

/**
 * The one look of every mail Ventanilla sends to staff (routing sheets, reminders, digests):
 * plain HTML tables that survive any mail client, every value escaped.
 */

export interface MailSection {
  heading?: string | undefined;
  /** Label/value rows. */
  rows?: Array<[string, string]> | undefined;
  /** Free paragraphs. */
  paragraphs?: string[] | undefined;
  /**
   * A table: header cells and rows; a row may carry a link on its first cell, be marked urgent,
   * and end in a link of its own (a digest line's «Acusar recibo»).
   */
  table?:
    | {
        header: string[];
        rows: Array<{
          cells: string[];
          href?: string | undefined;
          urgent?: boolean | undefined;
          action?: { label: string; href: string } | undefined;
        }>;
      }
    | undefined;
  /** A button-like link. */
  action?: { label: string; href: string } | undefined;
}

export function renderStaffMailHtml(title: string, municipality: string, sections: MailSection[], footer: string): string {
  const body = sections.map(renderSection).join('\n');
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:16px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1d2733">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:720px;margin:0 auto;background:#fff;border:1px solid #d9dee5">
<tr><td style="padding:16px 20px;background:#12355b;color:#fff"><div style="font-size:13px">${escapeHtml(municipality)}</div><div style="font-size:20px;font-weight:bold">${escapeHtml(title)}</div></td></tr>
<tr><td style="padding:16px 20px">${body}</td></tr>
<tr><td style="padding:12px 20px;font-size:12px;color:#5b6776;border-top:1px solid #d9dee5">${escapeHtml(footer)}</td></tr>
</table></body></html>`;
}

function renderSection(section: MailSection): string {
  const parts: string[] = [];
  if (section.heading) parts.push(`<h2 style="font-size:16px;margin:16px 0 8px">${escapeHtml(section.heading)}</h2>`);
  for (const p of section.paragraphs ?? [])
    parts.push(`<p style="margin:0 0 10px;line-height:1.45">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  if (section.rows?.length) {
    parts.push(
      `<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse;width:100%">${section.rows
        .map(
          ([label, value]) =>
            `<tr><th align="left" valign="top" style="width:34%;color:#5b6776;font-weight:normal">${escapeHtml(label)}</th><td style="white-space:pre-wrap">${escapeHtml(value)}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  if (section.table) {
    const head = section.table.header
      .map((cell) => `<th align="left" style="border-bottom:2px solid #12355b;padding:6px">${escapeHtml(cell)}</th>`)
      .join('');
    const rows = section.table.rows
      .map((row) => {
        const cells = row.cells.map((cell, i) => {
          const content = i === 0 && row.href ? `<a href="${escapeHtml(row.href)}">${escapeHtml(cell)}</a>` : escapeHtml(cell);
          // A folio never breaks across lines: it is what people read out and search for.
          const nowrap = i === 0 ? ';white-space:nowrap' : '';
          return `<td style="border-bottom:1px solid #e3e7ec;padding:6px${nowrap}${row.urgent ? ';color:#b3261e;font-weight:bold' : ''}">${content}</td>`;
        });
        if (row.action)
          cells.push(
            `<td style="border-bottom:1px solid #e3e7ec;padding:6px;white-space:nowrap"><a href="${escapeHtml(row.action.href)}">${escapeHtml(row.action.label)}</a></td>`,
          );
        return `<tr>${cells.join('')}</tr>`;
      })
      .join('');
    parts.push(
      `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;font-size:14px"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  if (section.action) {
    parts.push(
      `<p style="margin:16px 0"><a href="${escapeHtml(section.action.href)}" style="display:inline-block;background:#12355b;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px">${escapeHtml(section.action.label)}</a></p>`,
    );
  }
  return parts.join('\n');
}

/** Where a case opens in the console. */
export function consoleCaseUrl(publicUrl: string, caseId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/console#/caso/${caseId}`;
}

/** The short notice most staff mails are: one paragraph and one button, under the municipality's footer. */
export function renderNoticeMailHtml(
  from: { locale: Locale; municipalityName: string },
  title: string,
  body: string,
  action: { label: string; href: string },
): string {
  const footer = t(from.locale, 'follow_up.mail.footer', { municipality: from.municipalityName });
  return renderStaffMailHtml(title, from.municipalityName, [{ paragraphs: [body] }, { action }], footer);
}
