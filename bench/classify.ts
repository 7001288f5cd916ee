import { join } from 'node:path';
import { classifyWithLexicon } from '../src/understanding/classify.js';
import { getModelClassifier } from '../src/understanding/classifier-model.js';
import { readLabelledCsv } from '../src/understanding/corpus.js';
import { measureClassifier, messagesPerCpuSecond } from '../src/understanding/report.js';
import { TRAINING_DIR } from '../src/understanding/training-data.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The sets the figures are read on: each corpus file's held-out part, and the wordings written after training. */
const TEST_FILES = ['held-out.csv', 'held-out-real-style.csv', 'unseen.csv'];

function figuresFor(name: string, file: string, classify: (text: string) => { type: string; category: string }): Record<string, string> {
  const rows = readLabelledCsv(join(TRAINING_DIR, file));
  const { type, category } = measureClassifier(rows, classify as Parameters<typeof measureClassifier>[1]);
  return {
    [`${name}, ${file}: type macro-F1 / accuracy`]: `${pct(type!.macroF1)} / ${pct(type!.accuracy)} (${rows.length} messages)`,
    [`${name}, ${file}: category accuracy / macro-F1`]: `${pct(category!.accuracy)} / ${pct(category!.macroF1)}`,
  };
}

export async function benchClassify(): Promise<Record<string, string>> {
  const model = getModelClassifier();
  // Messages per CPU-second of this single-threaded process (one core), over every test message.
  const texts = TEST_FILES.flatMap((file) => readLabelledCsv(join(TRAINING_DIR, file)).map((r) => r.text));
  const figures: Record<string, string> = {
    'classify (model): messages per CPU-second, one core': Math.round(messagesPerCpuSecond((t) => model.classify(t), texts)).toLocaleString(
      'en',
    ),
  };
  for (const file of TEST_FILES)
    Object.assign(
      figures,
      figuresFor('model', file, (t) => model.classify(t)),
    );
  for (const file of TEST_FILES) Object.assign(figures, figuresFor('lexicon baseline', file, classifyWithLexicon));
  return figures;
}
