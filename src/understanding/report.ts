import type { Classification } from './classification.js';
import type { LabelledText } from './corpus.js';
import { type Evaluation, evaluate, formatAccuracyByClass, formatEvaluation } from './metrics.js';

export interface ClassifierFigures {
  type?: Evaluation;
  category?: Evaluation;
}

type Classify = (text: string) => Pick<Classification, 'type' | 'category'>;

/** Scores a classifier against labelled rows, for the type and the category, whichever the rows have. */
export function measureClassifier(rows: readonly LabelledText[], classify: Classify): ClassifierFigures {
  const predicted = rows.map((r) => classify(r.text));
  const typed = rows.flatMap((r, i) => (r.type ? [[r.type, predicted[i]!.type] as const] : []));
  const categorised = rows.flatMap((r, i) => (r.category ? [[r.category, predicted[i]!.category] as const] : []));
  const figures: ClassifierFigures = {};
  if (typed.length > 0)
    figures.type = evaluate(
      typed.map(([gold]) => gold),
      typed.map(([, got]) => got),
    );
  if (categorised.length > 0)
    figures.category = evaluate(
      categorised.map(([gold]) => gold),
      categorised.map(([, got]) => got),
    );
  return figures;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One line with the figures ADR 0009 tracks: type macro-F1 and accuracy, category accuracy and macro-F1. */
export function formatHeadline(title: string, f: ClassifierFigures): string {
  const parts: string[] = [];
  if (f.type) parts.push(`tipo macro-F1 ${pct(f.type.macroF1)}, exactitud ${pct(f.type.accuracy)}`);
  if (f.category) parts.push(`categoría exactitud ${pct(f.category.accuracy)}, macro-F1 ${pct(f.category.macroF1)}`);
  const total = f.type?.total ?? f.category?.total ?? 0;
  return `${title} (${total} mensajes): ${parts.join(' | ')}`;
}

/** The full report: headline, the type's table and confusion, the category's accuracy per category, table and confusion. */
export function formatReport(title: string, f: ClassifierFigures): string {
  const blocks = [formatHeadline(title, f)];
  if (f.type) blocks.push(formatEvaluation(`${title}: tipo`, f.type));
  if (f.category)
    blocks.push(formatAccuracyByClass(`${title}: categoría`, f.category), formatEvaluation(`${title}: categoría`, f.category));
  return blocks.join('\n\n');
}

/**
 * Messages per CPU-second of this single-threaded process (one core), after a warm-up. CPU time
 * rather than wall time, so a busy machine does not make the classifier look slower than it is.
 */
export function messagesPerCpuSecond(classify: (text: string) => unknown, texts: readonly string[], milliseconds = 3000): number {
  for (let i = 0; i < 2000; i++) classify(texts[i % texts.length]!);
  const started = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() - started < milliseconds) {
    // A varying suffix keeps any cache from answering instead of the classifier.
    for (const text of texts) classify(`${text} ${n++}`);
  }
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}
