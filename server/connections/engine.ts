// The life of a connection against the aggregator, by concern: link and Update Login
// (link.ts), security questions (security-questions.ts), aggregation (aggregation.ts) and its
// completion (completion.ts), removal (removal.ts). Every change of state they make goes
// through the state machine in transitions.ts. Credentials and answers pass through to the
// aggregator and are never stored or logged. This module is what the rest of Bankline uses.

export { REVISION_WINDOW_DAYS, retrieveFeed, startAggregation } from "./aggregation";
export {
  ATTEMPT_OUTCOME_KINDS,
  loadConnection,
  statusCodeOf,
  type AttemptOutcome,
  type EngineDeps,
  type PublicMfaQuestion,
} from "./attempt";
export { completeAggregation, failAttempt } from "./completion";
export { linkConnection, syncAccounts, updateLogin, upsertInstitution } from "./link";
export { removeConnection } from "./removal";
export { answerSecurityQuestion, expireSecurityQuestion, resumeConnection } from "./security-questions";
export { nextRetryAt, reattachOrphanedAttempt, STUCK_AGGREGATION_MS } from "./transitions";
