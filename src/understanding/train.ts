import type { ClassifierModelFile } from './classifier-model.js';
import { isHeldOut, SPLIT_SEED, type LabelledText } from './corpus.js';
import { trainNaiveBayes } from './naive-bayes.js';

/** Divides log-likelihood differences before the softmax (see NaiveBayesModel.temperature). */
export const TEMPERATURE = 2;

export interface Split {
  train: LabelledText[];
  heldOut: LabelledText[];
}

export function splitCorpus(rows: readonly LabelledText[]): Split {
  return { train: rows.filter((r) => !isHeldOut(r.text)), heldOut: rows.filter((r) => isHeldOut(r.text)) };
}

/** The whole training step, deterministic: the same corpus always gives the same model file. */
export function trainClassifier(rows: readonly LabelledText[], corpusName: string): { model: ClassifierModelFile; split: Split } {
  const split = splitCorpus(rows);
  const { train, heldOut } = split;
  const model: ClassifierModelFile = {
    version: 1,
    licence:
      'Trained on training/classifier/corpus.csv, written for Ventanilla and released under CC0-1.0 (see training/classifier/README.md).',
    trainedOn: { corpus: corpusName, examples: train.length, seed: SPLIT_SEED, heldOut: heldOut.length },
    type: trainNaiveBayes(
      train.filter((e) => e.type).map((e) => ({ text: e.text, label: e.type! })),
      { temperature: TEMPERATURE },
    ),
    category: trainNaiveBayes(
      train.filter((e) => e.category).map((e) => ({ text: e.text, label: e.category! })),
      { temperature: TEMPERATURE },
    ),
  };
  return { model, split };
}
