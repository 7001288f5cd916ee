import type { FollowUpParts } from './follow-up.js';
import { acknowledgementSweep, routingSheetReaction } from './routing-sheet.js';
import { deadlineSweep } from './deadline-warnings.js';
import { digests } from './digests.js';
import { figuresFoldSweep } from './figures-fold.js';
import { noticeDigest } from './notice-digest.js';
import { wrongNumbersMail } from './wrong-numbers-mail.js';
import { citizenNotices, reopenedToDepartment, satisfactionSurvey } from './citizen-notices.js';
import { clusterFollowers } from './cluster-followers.js';
import { CALLBACK_MESSAGE_JOB, callbackForPendingContact, callbackMessageJob } from './callback-actions.js';

/**
 * The rules of the automatic follow-up, each in its own module: reactions to case events,
 * time-based sweeps, and calendar jobs. Adding a rule is adding it here.
 */
export const followUpParts: FollowUpParts = {
  reactions: [routingSheetReaction, citizenNotices, satisfactionSurvey, reopenedToDepartment, callbackForPendingContact, clusterFollowers],
  sweeps: [acknowledgementSweep, deadlineSweep, figuresFoldSweep],
  recurring: [digests, noticeDigest, wrongNumbersMail],
  jobs: new Map([[CALLBACK_MESSAGE_JOB, callbackMessageJob]]),
};
