import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { isHeldOut, type LabelledText, readLabelledCsv, readTextCsv } from './corpus.js';

/**
 * Where the classifier learns from (training/classifier/, see its README.md): labelled corpus
 * files, each split into a training part and a held-out part by `isHeldOut`, and off-topic lines
 * (not a municipal matter at all), split the same way.
 */
export const TRAINING_DIR = join(packageRoot, 'training', 'classifier');

/** Labelled corpora, with the file each one's held-out part is written to. */
export const CORPUS_FILES = [
  { file: 'corpus.csv', heldOut: 'held-out.csv' },
  { file: 'real-style.csv', heldOut: 'held-out-real-style.csv' },
] as const;
export const OFF_TOPIC_FILE = { file: 'off-topic.csv', heldOut: 'held-out-off-topic.csv' } as const;

export interface CorpusSource {
  /** The file's name inside training/classifier/. */
  name: string;
  rows: LabelledText[];
}

export interface TrainingData {
  corpora: CorpusSource[];
  offTopic: { name: string; texts: string[] };
}

export function readTrainingData(dir = TRAINING_DIR): TrainingData {
  return {
    corpora: CORPUS_FILES.map(({ file }) => ({ name: file, rows: readLabelledCsv(join(dir, file)) })),
    offTopic: { name: OFF_TOPIC_FILE.file, texts: readTextCsv(join(dir, OFF_TOPIC_FILE.file)) },
  };
}

export interface Split<T> {
  train: T[];
  heldOut: T[];
}

export function split<T>(items: readonly T[], text: (item: T) => string): Split<T> {
  return { train: items.filter((i) => !isHeldOut(text(i))), heldOut: items.filter((i) => isHeldOut(text(i))) };
}

export interface SplitData {
  /** Per corpus file, in `data.corpora` order. */
  corpora: Array<{ name: string } & Split<LabelledText>>;
  offTopic: { name: string } & Split<string>;
  /** Every corpus file's training rows, in file order. */
  train: LabelledText[];
}

export function splitTrainingData(data: TrainingData): SplitData {
  const corpora = data.corpora.map(({ name, rows }) => ({ name, ...split(rows, (r) => r.text) }));
  return {
    corpora,
    offTopic: { name: data.offTopic.name, ...split(data.offTopic.texts, (t) => t) },
    train: corpora.flatMap((c) => c.train),
  };
}
