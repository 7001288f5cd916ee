import type { CaseType } from '../cases/case-type.js';

/** What a classifier says about one message. Confidences are in [0, 1]. */
export interface Classification {
  type: CaseType;
  typeConfidence: number;
  /** A category code from the municipality's configuration (e.g. `baches-pavimento`), `otros` when nothing fits. */
  category: string;
  categoryConfidence: number;
  /** The lower of the two: what the dialog compares against its threshold. */
  confidence: number;
  /**
   * How likely the text is not a municipal matter at all ("cuánto cuesta una pizza", "jajaja",
   * "vendo celular"), in [0, 1]; compare it with `OFF_TOPIC_THRESHOLD`. Greetings and thanks
   * ("hola", "gracias") are conversation, not off-topic, and score low. It is learnt from
   * Spanish: for another language or gibberish it says little, and the low `confidence` is the
   * signal to use there.
   */
  offTopic: number;
}

/**
 * Above this `offTopic`, treat a message as not a municipal matter (do not open a case for it).
 * Chosen for precision: a citizen's real request wrongly turned away costs more than a joke
 * answered with the menu. Measured in training/classifier/README.md and ADR 0009.
 */
export const OFF_TOPIC_THRESHOLD = 0.8;
