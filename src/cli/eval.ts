import { classify } from '../understanding/classify.js';
import { createModelClassifier, loadClassifierModel } from '../understanding/classifier-model.js';
import { readLabelledCsv } from '../understanding/corpus.js';
import { formatAccuracyByClass, formatEvaluation, type Evaluation } from '../understanding/metrics.js';
import { formatHeadline, measureClassifier } from '../understanding/report.js';

export interface EvalResult {
  type?: Evaluation;
  category?: Evaluation;
}

export interface EvalOptions {
  /** Another model file (`npm run train -- --compare` writes the alternatives) instead of the shipped one. */
  modelPath?: string | undefined;
}

/**
 * Scores a classifier against a labelled CSV: `text,label` (a label is a case type or a
 * category code) or `text,type,category`. Prints a headline (type macro-F1 and accuracy beside
 * category accuracy), then accuracy, macro-F1, per-class precision and recall and the confusion
 * matrix for the type, and the same plus the accuracy per category for the category, whichever
 * the file has.
 */
export function runEval(path: string, write: (text: string) => void, options: EvalOptions = {}): EvalResult {
  const rows = readLabelledCsv(path);
  if (!rows.some((r) => r.type || r.category)) throw new Error(`${path}: no labelled rows`);
  const classifier = options.modelPath ? createModelClassifier(loadClassifierModel(options.modelPath)).classify : classify;
  const result: EvalResult = measureClassifier(rows, classifier);
  write(formatHeadline(path, result) + '\n\n');
  if (result.type) write(formatEvaluation('tipo', result.type) + '\n\n');
  if (result.category) {
    write(formatAccuracyByClass('categoría', result.category) + '\n\n');
    write(formatEvaluation('categoría', result.category) + '\n');
  }
  return result;
}
