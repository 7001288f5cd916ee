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
  /** How likely the text is no municipal matter at all ("cuánto cuesta una pizza"), in [0, 1]. */
  offTopic?: number;
}

/** From this `offTopic` on, the dialog says what Ventanilla does instead of opening a case. */
export const OFF_TOPIC_THRESHOLD = 0.6;
