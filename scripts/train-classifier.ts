/**
 * `npm run train`: splits the files of training/classifier/ into training and held-out parts
 * (fixed seed, see src/understanding/corpus.ts), writes each held-out part beside its file
 * (held-out.csv, held-out-real-style.csv, held-out-off-topic.csv) for `ventanilla eval`, and the
 * trained model to src/understanding/classifier-model.json, which ships with the package. Prints
 * the figures on every held-out part and on unseen.csv.
 *
 * `npm run train -- --compare` also trains the other model kind on the same split, writes it to
 * .tmp/classifier-model-<kind>.json (for `ventanilla eval … --model`) and prints both side by side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, sourceAsset } from '../src/paths.js';
import { OFF_TOPIC_THRESHOLD } from '../src/understanding/classification.js';
import { type ClassifierModelFile, createModelClassifier, type TextClassifier } from '../src/understanding/classifier-model.js';
import { type LabelledText, readLabelledCsv } from '../src/understanding/corpus.js';
import { csvLine } from '../src/csv.js';
import { evaluateBinary, formatBinary } from '../src/understanding/metrics.js';
import { formatHeadline, formatReport, measureClassifier, messagesPerCpuSecond } from '../src/understanding/report.js';
import { type ModelKind, SHIPPED_MODEL, trainClassifier } from '../src/understanding/train.js';
import { CORPUS_FILES, OFF_TOPIC_FILE, readTrainingData, TRAINING_DIR } from '../src/understanding/training-data.js';

const data = readTrainingData();
const unseen = readLabelledCsv(join(TRAINING_DIR, 'unseen.csv'));

function train(kind: ModelKind) {
  const started = performance.now();
  const result = trainClassifier(data, kind);
  return { ...result, seconds: (performance.now() - started) / 1000, bytes: Buffer.byteLength(JSON.stringify(result.model) + '\n') };
}

const shipped = train(SHIPPED_MODEL);
writeFileSync(sourceAsset('understanding', 'classifier-model.json'), JSON.stringify(shipped.model) + '\n');
const { split } = shipped;
const labelledCsv = (rows: readonly LabelledText[]) =>
  ['text,type,category', ...rows.map((e) => csvLine([e.text, e.type ?? '', e.category ?? '']))].join('\n') + '\n';
CORPUS_FILES.forEach(({ heldOut }, i) => {
  writeFileSync(join(TRAINING_DIR, heldOut), labelledCsv(split.corpora[i]!.heldOut));
});
writeFileSync(join(TRAINING_DIR, OFF_TOPIC_FILE.heldOut), ['text', ...split.offTopic.heldOut.map((t) => csvLine([t]))].join('\n') + '\n');

/** The sets every figure is reported on: each corpus file's held-out part, then unseen.csv. */
const testSets: Array<[string, LabelledText[]]> = [
  ...CORPUS_FILES.map(({ heldOut }, i): [string, LabelledText[]] => [heldOut, split.corpora[i]!.heldOut]),
  ['unseen.csv', unseen],
];
const municipalHeldOut = split.corpora.flatMap((c) => c.heldOut.map((r) => r.text));

function offTopicFigures(classifier: TextClassifier, threshold: number) {
  return evaluateBinary(
    split.offTopic.heldOut.map((t) => classifier.classify(t).offTopic),
    municipalHeldOut.map((t) => classifier.classify(t).offTopic),
    threshold,
  );
}

const examples = split.corpora.map((c) => `${c.name} ${c.train.length}+${c.heldOut.length}`).join(', ');
console.log(
  `${SHIPPED_MODEL}: trained on ${examples}, ${split.offTopic.name} ${split.offTopic.train.length}+${split.offTopic.heldOut.length} (training+held out)`,
);
console.log(`training ${shipped.seconds.toFixed(1)} s, model file ${(shipped.bytes / 1e6).toFixed(2)} MB\n`);
const classifier = createModelClassifier(shipped.model);
for (const [name, rows] of testSets) console.log(formatReport(name, measureClassifier(rows, classifier.classify)) + '\n');
console.log(
  formatBinary(`fuera de tema, ${OFF_TOPIC_FILE.heldOut} y municipales reservados`, offTopicFigures(classifier, OFF_TOPIC_THRESHOLD)),
);
for (const threshold of [0.5, 0.6, 0.7, 0.8, 0.9]) {
  const b = offTopicFigures(classifier, threshold);
  console.log(
    `  umbral ${threshold.toFixed(1)}: precisión ${(b.precision * 100).toFixed(1)}%, exhaustividad ${(b.recall * 100).toFixed(1)}%`,
  );
}

if (process.argv.includes('--compare')) {
  const kinds: ModelKind[] = ['linear', 'naive-bayes'];
  const texts = testSets.flatMap(([, rows]) => rows.map((r) => r.text));
  console.log('\n== comparación (mismo reparto) ==');
  for (const kind of kinds) {
    const run: { model: ClassifierModelFile; seconds: number; bytes: number } = kind === SHIPPED_MODEL ? shipped : train(kind);
    if (kind !== SHIPPED_MODEL) {
      mkdirSync(join(packageRoot, '.tmp'), { recursive: true });
      writeFileSync(join(packageRoot, '.tmp', `classifier-model-${kind}.json`), JSON.stringify(run.model) + '\n');
    }
    const c = createModelClassifier(run.model);
    const speed = Math.round(messagesPerCpuSecond((t) => c.classify(t), texts)).toLocaleString('en');
    const off = offTopicFigures(c, OFF_TOPIC_THRESHOLD);
    console.log(
      `${kind}: ${run.seconds.toFixed(1)} s to train, ${(run.bytes / 1e6).toFixed(2)} MB, ${speed} msg per CPU-second; off-topic precision ${(off.precision * 100).toFixed(1)}% recall ${(off.recall * 100).toFixed(1)}%`,
    );
    for (const [name, rows] of testSets) console.log('  ' + formatHeadline(name, measureClassifier(rows, c.classify)));
  }
}
