import { join } from 'node:path';
import { classifyWithLexicon } from '../src/understanding/classify.js';
import { packageRoot } from '../src/paths.js';
import { getModelClassifier } from '../src/understanding/classifier-model.js';
import { readLabelledCsv, type LabelledText } from '../src/understanding/corpus.js';
import { evaluate } from '../src/understanding/metrics.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function figuresFor(name: string, file: string, classify: (text: string) => { type: string; category: string }): Record<string, string> {
  const rows: LabelledText[] = readLabelledCsv(join(packageRoot, 'training', 'classifier', file));
  const predicted = rows.map((r) => classify(r.text));
  const type = evaluate(
    rows.map((r) => r.type!),
    predicted.map((p) => p.type),
  );
  const category = evaluate(
    rows.map((r) => r.category!),
    predicted.map((p) => p.category),
  );
  return {
    [`${name}: type accuracy / macro-F1`]: `${pct(type.accuracy)} / ${pct(type.macroF1)} (${rows.length} messages)`,
    [`${name}: category accuracy / macro-F1`]: `${pct(category.accuracy)} / ${pct(category.macroF1)}`,
  };
}

/**
 * Messages per CPU-second of this single-threaded process (one core), over the held-out and
 * unseen messages, after a warm-up. CPU time rather than wall time, so a busy machine does not
 * make the classifier look slower than it is.
 */
function throughput(classify: (text: string) => unknown): number {
  const texts = [
    ...readLabelledCsv(join(packageRoot, 'training', 'classifier', 'held-out.csv')),
    ...readLabelledCsv(join(packageRoot, 'training', 'classifier', 'unseen.csv')),
  ].map((r) => r.text);
  for (let i = 0; i < 2000; i++) classify(texts[i % texts.length]!);
  const started = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() - started < 3000) {
    // A varying suffix keeps any cache from answering instead of the classifier.
    for (const text of texts) classify(`${text} ${n++}`);
  }
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}

export async function benchClassify(): Promise<Record<string, string>> {
  const model = getModelClassifier();
  return {
    'classify (model): messages per CPU-second, one core': Math.round(throughput((t) => model.classify(t))).toLocaleString('en'),
    ...figuresFor('model, held-out', 'held-out.csv', (t) => model.classify(t)),
    ...figuresFor('model, unseen wording', 'unseen.csv', (t) => model.classify(t)),
    ...figuresFor('lexicon baseline, held-out', 'held-out.csv', classifyWithLexicon),
    ...figuresFor('lexicon baseline, unseen wording', 'unseen.csv', classifyWithLexicon),
  };
}
