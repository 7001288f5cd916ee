import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runClassify } from '../../src/cli/classify.js';

async function classifyLines(text: string): Promise<{ count: number; records: Record<string, unknown>[] }> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const count = await runClassify(Readable.from([text]), output);
  output.end();
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  expect(lines.pop()).toBe('');
  return { count, records: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('ventanilla classify', () => {
  it('writes one JSON line per message, skipping blank lines', async () => {
    const { count, records } = await classifyLines(
      'Hay un bache enorme frente a la escuela\n\n   \r\nque necesito para sacar la licencia de funcionamiento?\r\nhola\n',
    );
    expect(count).toBe(3);
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ text: 'Hay un bache enorme frente a la escuela', type: 'reporte', category: 'baches-pavimento' });
    expect(records[1]).toMatchObject({
      text: 'que necesito para sacar la licencia de funcionamiento?',
      type: 'solicitud_informacion',
      category: 'tramites',
    });
    expect(records[2]).toMatchObject({ text: 'hola', category: 'otros' });
    expect(Object.keys(records[0]!)).toEqual(['text', 'type', 'category', 'confidence']);
  });

  it('rounds confidence to three decimals', async () => {
    const { records } = await classifyLines('hay una fuga de agua en la esquina\nhola');
    for (const record of records) {
      const confidence = record.confidence as number;
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
      expect(Math.round(confidence * 1000) / 1000).toBe(confidence);
    }
    expect(records[1]!.confidence as number).toBeLessThan(0.5);
  });

  it('classifies nothing from empty input', async () => {
    const { count, records } = await classifyLines('');
    expect(count).toBe(0);
    expect(records).toEqual([]);
  });
});
