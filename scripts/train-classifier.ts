/**
 * `npm run train`: splits training/classifier/corpus.csv into training and held-out parts (fixed
 * seed, see src/understanding/corpus.ts), writes the held-out part to
 * training/classifier/held-out.csv for `ventanilla eval`, and the trained model to
 * src/understanding/classifier-model.json, which ships with the package.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, sourceAsset } from '../src/paths.js';
import { createModelClassifier } from '../src/understanding/classifier-model.js';
import { readLabelledCsv } from '../src/understanding/corpus.js';
import { csvLine } from '../src/understanding/csv.js';
import { evaluate, formatEvaluation } from '../src/understanding/metrics.js';
import { trainClassifier } from '../src/understanding/train.js';

const { model, split } = trainClassifier(
  readLabelledCsv(join(packageRoot, 'training', 'classifier', 'corpus.csv')),
  'training/classifier/corpus.csv',
);
writeFileSync(sourceAsset('understanding', 'classifier-model.json'), JSON.stringify(model) + '\n');
writeFileSync(
  join(packageRoot, 'training', 'classifier', 'held-out.csv'),
  ['text,type,category', ...split.heldOut.map((e) => csvLine([e.text, e.type ?? '', e.category ?? '']))].join('\n') + '\n',
);

const classifier = createModelClassifier(model);
const predictions = split.heldOut.map((e) => classifier.classify(e.text));
console.log(`trained on ${split.train.length} examples, ${split.heldOut.length} held out`);
console.log(
  formatEvaluation(
    'tipo, conjunto reservado',
    evaluate(
      split.heldOut.map((e) => e.type!),
      predictions.map((p) => p.type),
    ),
  ),
);
console.log(
  formatEvaluation(
    'categoría, conjunto reservado',
    evaluate(
      split.heldOut.map((e) => e.category!),
      predictions.map((p) => p.category),
    ),
  ),
);
