import { classify } from '../understanding/classify.js';
import { readLabelledCsv } from '../understanding/corpus.js';
import { evaluate, formatEvaluation, type Evaluation } from '../understanding/metrics.js';

export interface EvalResult {
  type?: Evaluation;
  category?: Evaluation;
}

/**
 * Scores the shipped classifier against a labelled CSV: `text,label` (a label is a case type or
 * a category code) or `text,type,category`. Prints accuracy, macro-F1, per-class precision and
 * recall and the confusion matrix, for the type and for the category, whichever the file has.
 */
export function runEval(path: string, write: (text: string) => void): EvalResult {
  const rows = readLabelledCsv(path);
  const typed = rows.filter((r) => r.type);
  const categorised = rows.filter((r) => r.category);
  if (typed.length === 0 && categorised.length === 0) throw new Error(`${path}: no labelled rows`);
  const result: EvalResult = {};
  if (typed.length > 0) {
    result.type = evaluate(
      typed.map((r) => r.type!),
      typed.map((r) => classify(r.text).type),
    );
    write(formatEvaluation('tipo', result.type) + '\n\n');
  }
  if (categorised.length > 0) {
    result.category = evaluate(
      categorised.map((r) => r.category!),
      categorised.map((r) => classify(r.text).category),
    );
    write(formatEvaluation('categoría', result.category) + '\n');
  }
  return result;
}
