import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvLines } from '../src/csv.js';

describe('the CSV reader', () => {
  it('reads quoted commas, doubled quotes and line breaks inside a field', () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n"x\ny",z\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['x\ny', 'z'],
    ]);
  });

  it('tells the line each record starts on, past blank lines and multi-line fields, LF or CRLF', () => {
    const lf = 'h1,h2\n\n"one\ntwo",3\nlast,4';
    expect(parseCsvLines(lf).map((r) => r.line)).toEqual([1, 3, 5]);
    expect(parseCsvLines(lf.replace(/\n/g, '\r\n')).map((r) => r.line)).toEqual([1, 3, 5]);
  });
});
