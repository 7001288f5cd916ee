import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { classify } from '../understanding/classify.js';

/**
 * Classifies one message per input line and writes one JSON object per line (JSON Lines), so
 * the output can be piped into `jq` or compared between lexicon versions. Returns how many
 * messages were classified.
 */
export async function runClassify(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  // crlfDelay: Infinity treats "\r\n" as one line break, for files saved on Windows.
  const lines = createInterface({ input, crlfDelay: Infinity });
  let count = 0;
  for await (const line of lines) {
    const text = line.trim();
    if (!text) continue;
    const c = classify(text);
    const record = { text, type: c.type, category: c.category, confidence: Math.round(c.confidence * 1000) / 1000 };
    // Respect backpressure so a large file piped into a slow consumer does not buffer in memory.
    if (!output.write(JSON.stringify(record) + '\n')) await once(output, 'drain');
    count++;
  }
  return count;
}
