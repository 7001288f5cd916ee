/** Classification figures for one label set: what `ventanilla eval` and the benchmark print. */
export interface ClassFigures {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  total: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassFigures[];
  /** Labels in row/column order; `confusion[i][j]` counts gold `labels[i]` predicted as `labels[j]`. */
  labels: string[];
  confusion: number[][];
}

export function evaluate(gold: readonly string[], predicted: readonly string[]): Evaluation {
  if (gold.length !== predicted.length) throw new Error('gold and predicted labels differ in length');
  const labels = [...new Set([...gold, ...predicted])].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    confusion[index.get(gold[i]!)!]![index.get(predicted[i]!)!]! += 1;
    if (gold[i] === predicted[i]) correct++;
  }
  const perClass = labels.map((label, k) => {
    const tp = confusion[k]![k]!;
    const support = confusion[k]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[k]!, 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  // Macro-F1 over the classes present in the gold labels: a class the file never mentions
  // (only ever predicted) would otherwise count as a zero and punish a small test file.
  const present = perClass.filter((c) => c.support > 0);
  const macroF1 = present.length ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0;
  return { total: gold.length, accuracy: gold.length ? correct / gold.length : 0, macroF1, perClass, labels, confusion };
}

const pct = (x: number) => (x * 100).toFixed(1).padStart(5) + '%';

/** A plain-text report: headline figures, per-class table, confusion matrix. */
export function formatEvaluation(title: string, e: Evaluation): string {
  const lines = [`== ${title} (${e.total} mensajes) ==`, `accuracy  ${pct(e.accuracy)}`, `macro-F1  ${pct(e.macroF1)}`, ''];
  const width = Math.max(10, ...e.labels.map((l) => l.length));
  lines.push(`${'clase'.padEnd(width)}  precision  recall     F1  n`);
  for (const c of e.perClass) lines.push(`${c.label.padEnd(width)}     ${pct(c.precision)} ${pct(c.recall)} ${pct(c.f1)}  ${c.support}`);
  lines.push('', 'matriz de confusión (filas: real, columnas: predicho)');
  const short = e.labels.map((_, i) => String(i + 1));
  lines.push(`${''.padEnd(width + 4)}${short.map((s) => s.padStart(5)).join('')}`);
  e.labels.forEach((label, i) => {
    lines.push(`${(i + 1 + ' ' + label).padEnd(width + 4)}${e.confusion[i]!.map((n) => String(n).padStart(5)).join('')}`);
  });
  return lines.join('\n');
}

/** Per class, the share of its messages classified as that class (its recall): the accuracy a department sees. */
export function formatAccuracyByClass(title: string, e: Evaluation): string {
  const width = Math.max(10, ...e.labels.map((l) => l.length));
  const lines = [`-- ${title}: acierto por clase --`];
  e.perClass.forEach((c, k) => {
    if (c.support === 0) return;
    lines.push(`${c.label.padEnd(width)}  ${String(e.confusion[k]![k]).padStart(4)}/${String(c.support).padEnd(4)} ${pct(c.recall)}`);
  });
  return lines.join('\n');
}

/** Binary figures for the off-topic score at one threshold. */
export interface BinaryFigures {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Municipal messages wrongly above the threshold. */
  falsePositives: number;
  positives: number;
  negatives: number;
}

export function evaluateBinary(positiveScores: readonly number[], negativeScores: readonly number[], threshold: number): BinaryFigures {
  const tp = positiveScores.filter((s) => s >= threshold).length;
  const fp = negativeScores.filter((s) => s >= threshold).length;
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = positiveScores.length ? tp / positiveScores.length : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, precision, recall, f1, falsePositives: fp, positives: positiveScores.length, negatives: negativeScores.length };
}

export function formatBinary(title: string, b: BinaryFigures): string {
  return (
    `== ${title} (${b.positives} fuera de tema, ${b.negatives} municipales) ==\n` +
    `umbral ${b.threshold.toFixed(2)}  precisión ${pct(b.precision)}  exhaustividad ${pct(b.recall)}  F1 ${pct(b.f1)}  municipales marcados ${b.falsePositives}`
  );
}
