/**
 * `npm run train`: splits training/classifier/corpus.csv into training and held-out parts (fixed
 * seed, see src/understanding/corpus.ts), writes the held-out part to
 * training/classifier/held-out.csv for `ventanilla eval`, and the trained model to
 * src/understanding/classifier-model.json, which ships with the package.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassifierModelFile } from '../src/understanding/classifier-model.js';
import { createModelClassifier } from '../src/understanding/classifier-model.js';
import { readLabelledCsv, isHeldOut, SPLIT_SEED } from '../src/understanding/corpus.js';
import { csvLine } from '../src/understanding/csv.js';
import { evaluate, formatEvaluation } from '../src/understanding/metrics.js';
import { trainNaiveBayes } from '../src/understanding/naive-bayes.js';
import { packageRoot, sourceAsset } from '../src/paths.js';

const corpusPath = join(packageRoot, 'training', 'classifier', 'corpus.csv');
const extra = process.argv.slice(2).map((p) => readLabelledCsv(p));
const all = [...readLabelledCsv(corpusPath), ...extra.flat()];
const train = all.filter((e) => !isHeldOut(e.text));
const heldOut = all.filter((e) => isHeldOut(e.text));

const TEMPERATURE = Number(process.env.TRAIN_TEMPERATURE ?? 2);
const model: ClassifierModelFile = {
  version: 1,
  licence: 'Trained on training/classifier/corpus.csv, written for Ventanilla and released under CC0-1.0 (see training/classifier/README.md).',
  trainedOn: { corpus: 'training/classifier/corpus.csv', examples: train.length, seed: SPLIT_SEED, heldOut: heldOut.length },
  type: trainNaiveBayes(train.filter((e) => e.type).map((e) => ({ text: e.text, label: e.type! })), { temperature: TEMPERATURE }),
  category: trainNaiveBayes(train.filter((e) => e.category).map((e) => ({ text: e.text, label: e.category! })), { temperature: TEMPERATURE }),
};
writeFileSync(sourceAsset('understanding', 'classifier-model.json'), JSON.stringify(model) + '\n');
writeFileSync(
  join(packageRoot, 'training', 'classifier', 'held-out.csv'),
  ['text,type,category', ...heldOut.map((e) => csvLine([e.text, e.type ?? '', e.category ?? '']))].join('\n') + '\n',
);

const classifier = createModelClassifier(model);
const predictions = heldOut.map((e) => classifier.classify(e.text));
console.log(`trained on ${train.length} examples, ${heldOut.length} held out; ${Object.keys(model.type.features).length + Object.keys(model.category.features).length} features`);
console.log(formatEvaluation('tipo, conjunto reservado', evaluate(heldOut.map((e) => e.type!), predictions.map((p) => p.type))));
console.log(formatEvaluation('categoría, conjunto reservado', evaluate(heldOut.map((e) => e.category!), predictions.map((p) => p.category))));
