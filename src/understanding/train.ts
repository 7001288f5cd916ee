import { CaseType } from '../cases/case-type.js';
import type { ClassifierModelFile } from './classifier-model.js';
import { SPLIT_SEED } from './corpus.js';
import { copyVector, createFeatureExtractor, DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from './hashed-features.js';
import { DEFAULT_TRAINING, type LinearExample, type LinearTrainingOptions, trainLinear } from './linear-model.js';
import { trainNaiveBayes } from './naive-bayes.js';
import { type SplitData, splitTrainingData, type TrainingData } from './training-data.js';

export type ModelKind = ClassifierModelFile['kind'];

/** The model Ventanilla ships (docs/adr/0009-classifier-model.md has the measurements). */
export const SHIPPED_MODEL: ModelKind = 'linear';

/** Chosen by 5-fold cross-validation on the training part only; the held-out files never tuned anything. */
export const LINEAR_FEATURES: FeatureOptions = { ...DEFAULT_FEATURE_OPTIONS, charMax: 4, prefixWeight: 0, cueWeight: 2, lexiconWeight: 2 };
export const LINEAR_TRAINING: LinearTrainingOptions = { ...DEFAULT_TRAINING, l2: 1e-4 };

/** Divides naive Bayes' log-likelihood differences before the softmax (see NaiveBayesModel.temperature). */
export const TEMPERATURE = 2;

const LICENCE =
  'Trained on training/classifier/ (corpus.csv, real-style.csv, off-topic.csv), written for Ventanilla and released under CC0-1.0 (see training/classifier/README.md and SOURCES.md).';

/** The whole training step, deterministic: the same files always give the same model file. */
export function trainClassifier(data: TrainingData, kind: ModelKind = SHIPPED_MODEL): { model: ClassifierModelFile; split: SplitData } {
  const split = splitTrainingData(data);
  const trainedOn = {
    corpora: split.corpora.map((c) => ({ file: c.name, examples: c.train.length, heldOut: c.heldOut.length })),
    offTopic: { file: split.offTopic.name, examples: split.offTopic.train.length, heldOut: split.offTopic.heldOut.length },
    seed: SPLIT_SEED,
  };
  const common = { version: 2 as const, licence: LICENCE, trainedOn };
  const model: ClassifierModelFile =
    kind === 'linear' ? { ...common, kind, model: trainLinearHeads(split) } : { ...common, kind, ...trainBayes(split) };
  return { model, split };
}

function trainLinearHeads(split: SplitData) {
  const types = [...CaseType.options];
  const categories = [...new Set(split.train.map((r) => r.category).filter((c) => c !== undefined))].sort();
  const extractor = createFeatureExtractor(LINEAR_FEATURES);
  const examples: LinearExample[] = [
    ...split.train.map((r) => ({
      vector: copyVector(extractor.extract(r.text)),
      labels: [r.type ? types.indexOf(r.type) : undefined, r.category ? categories.indexOf(r.category) : undefined, 0],
    })),
    ...split.offTopic.train.map((text) => ({ vector: copyVector(extractor.extract(text)), labels: [undefined, undefined, 1] })),
  ];
  // Off-topic lines are far fewer than corpus lines; weighting them up keeps 0.5 a balanced point.
  const balance = split.train.length / Math.max(1, split.offTopic.train.length);
  return trainLinear(
    examples,
    [
      { name: 'type', kind: 'softmax', classes: types },
      { name: 'category', kind: 'softmax', classes: categories },
      { name: 'offTopic', kind: 'sigmoid', classes: ['off-topic'] },
    ],
    LINEAR_FEATURES,
    { ...LINEAR_TRAINING, classWeights: [undefined, undefined, [1, balance]] },
  );
}

function trainBayes(split: SplitData) {
  const options = { temperature: TEMPERATURE };
  return {
    type: trainNaiveBayes(
      split.train.filter((e) => e.type).map((e) => ({ text: e.text, label: e.type! })),
      options,
    ),
    category: trainNaiveBayes(
      split.train.filter((e) => e.category).map((e) => ({ text: e.text, label: e.category! })),
      options,
    ),
    offTopic: trainNaiveBayes(
      [
        ...split.train.map((e) => ({ text: e.text, label: 'municipal' })),
        ...split.offTopic.train.map((text) => ({ text, label: 'off-topic' })),
      ],
      options,
    ),
  };
}
