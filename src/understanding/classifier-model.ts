import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CaseType } from '../cases/case-type.js';
import type { Classification } from './classification.js';
import { sourceAsset } from '../paths.js';
import { extractFeatures } from './features.js';
import { compileLinearModel, LinearModel } from './linear-model.js';
import { compileModels, type Prediction, NaiveBayesModel, predictAll } from './naive-bayes.js';

const TrainedOn = z.object({
  /** Corpus files (training/classifier/) and how many of their lines were trained on. */
  corpora: z.array(z.object({ file: z.string(), examples: z.number().int(), heldOut: z.number().int() })),
  offTopic: z.object({ file: z.string(), examples: z.number().int(), heldOut: z.number().int() }),
  seed: z.string(),
});

/**
 * The file `npm run train` writes and the package ships, one of two kinds measured against each
 * other (docs/adr/0009-classifier-model.md): the linear model Ventanilla ships, or the naive Bayes
 * it replaced, kept so `npm run train -- --compare` and `ventanilla eval --model` can measure it.
 */
export const ClassifierModelFile = z.discriminatedUnion('kind', [
  z.object({
    version: z.literal(2),
    kind: z.literal('linear'),
    licence: z.string().min(1),
    trainedOn: TrainedOn,
    /** Heads `type`, `category` and `offTopic`. */
    model: LinearModel,
  }),
  z.object({
    version: z.literal(2),
    kind: z.literal('naive-bayes'),
    licence: z.string().min(1),
    trainedOn: TrainedOn,
    type: NaiveBayesModel,
    category: NaiveBayesModel,
    /** Classes `municipal` and `off-topic`. */
    offTopic: NaiveBayesModel,
  }),
]);
export type ClassifierModelFile = z.infer<typeof ClassifierModelFile>;

export const MODEL_PATH = () => sourceAsset('understanding', 'classifier-model.json');

export interface TextClassifier {
  classify(text: string): Classification;
}

const FALLBACK_CATEGORY = 'otros';
const FALLBACK_TYPE: CaseType = 'reporte';
/** The share of a message's words the model must know for its probabilities to count in full. */
const FULL_COVERAGE = 0.4;
/** How far a topic-only message's type is trusted (below the dialog's usual threshold of 0.55 even when sure). */
const TOPIC_ONLY_TRUST = 0.5;

export function createModelClassifier(file: ClassifierModelFile): TextClassifier {
  const parsed = ClassifierModelFile.parse(file);
  return parsed.kind === 'linear' ? linearClassifier(parsed.model) : naiveBayesClassifier(parsed);
}

function linearClassifier(model: LinearModel): TextClassifier {
  const compiled = compileLinearModel(model);
  const head = (name: string) => {
    const index = model.heads.findIndex((h) => h.name === name);
    if (index < 0) throw new Error(`classifier model: no "${name}" head`);
    return index;
  };
  const [typeHead, categoryHead, offTopicHead] = [head('type'), head('category'), head('offTopic')];
  for (const label of model.heads[typeHead]!.classes) CaseType.parse(label);
  return {
    classify(text) {
      const { heads, content, coverage, wordCoverage, typeCues } = compiled.predict(text);
      // Nothing but greetings and function words ("hola", "quiero comentarles algo", "tengo
      // una duda"), or nothing at all: conversation, neither a case nor off-topic. The corpus
      // files such lines under some type, and the model would be sure of it; say it is unsure.
      if (content === 0) return unknown(0);
      // A message mostly made of words the model never saw (another language, a new topic) is
      // not understood, however its character n-grams lean: confidence shrinks with coverage.
      const trust = Math.min(1, coverage / FULL_COVERAGE);
      const type = heads[typeHead]!;
      const category = heads[categoryHead]!;
      // One content word and no wording cue ("quiero comentarles algo del parque") names a
      // topic, not what the citizen wants: the type is a guess the corpus has few lines to learn.
      const topicOnly = content <= 1 && typeCues === 0;
      const typeConfidence = type.probabilities[type.best]! * trust * (topicOnly ? TOPIC_ONLY_TRUST : 1);
      const categoryConfidence = category.probabilities[category.best]! * trust;
      return {
        type: model.heads[typeHead]!.classes[type.best] as CaseType,
        typeConfidence,
        category: model.heads[categoryHead]!.classes[category.best]!,
        categoryConfidence,
        confidence: Math.min(typeConfidence, categoryConfidence),
        // Words the model never saw are no evidence of being off-topic: a message in another
        // language, or a misspelt "luminarea", must not be turned away. The score shrinks with
        // the share of all words known, function words included, so "tengo hambre" still counts.
        offTopic: heads[offTopicHead]!.probabilities[0]! * Math.min(1, wordCoverage / FULL_COVERAGE),
      };
    },
  };
}

function naiveBayesClassifier(file: Extract<ClassifierModelFile, { kind: 'naive-bayes' }>): TextClassifier {
  for (const label of file.type.classes) CaseType.parse(label);
  const compiled = compileModels([file.type, file.category, file.offTopic]);
  const offTopicIndex = file.offTopic.classes.indexOf('off-topic');
  return {
    classify(text) {
      const [type, category, offTopic] = predictAll(compiled, extractFeatures(text)) as [Prediction, Prediction, Prediction];
      // The off-topic model's posterior is its winning class's; turn it into P(off-topic).
      const offTopicScore = offTopic.label === file.offTopic.classes[offTopicIndex] ? offTopic.posterior : 1 - offTopic.posterior;
      if (type.known === 0) return unknown(offTopicScore);
      return {
        type: type.label as CaseType,
        typeConfidence: type.confidence,
        category: category.label,
        categoryConfidence: category.confidence,
        confidence: Math.min(type.confidence, category.confidence),
        offTopic: offTopicScore,
      };
    },
  };
}

function unknown(offTopic: number): Classification {
  return { type: FALLBACK_TYPE, typeConfidence: 0, category: FALLBACK_CATEGORY, categoryConfidence: 0, confidence: 0, offTopic };
}

export function loadClassifierModel(path = MODEL_PATH()): ClassifierModelFile {
  return ClassifierModelFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

let shared: TextClassifier | undefined;

/** The model shipped with the package, read on first use. */
export function getModelClassifier(): TextClassifier {
  shared ??= createModelClassifier(loadClassifierModel());
  return shared;
}
