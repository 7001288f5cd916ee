/**
 * One `Intl.DateTimeFormat` per locale and options, built once: building one costs far more than
 * formatting with it, and every turn formats dates (office hours, the folio year, the next
 * opening), so building them per call was a tenth of a turn's CPU (issue 16).
 */
const formats = new Map<string, Intl.DateTimeFormat>();

export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}
