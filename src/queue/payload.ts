/**
 * What a job carries (`jobs.payload`): a JSON object, read back by the kind's handler. The queue
 * runs kinds it is given and knows no domain, so each kind's fields are its own; this is what
 * every payload is.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JobPayload = { [key: string]: JsonValue };
