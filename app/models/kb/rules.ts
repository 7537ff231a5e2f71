/** Knowledge-base limits shared by the server and the browser bundle. */
export const MAX_FEEDBACK_COMMENT = 1_000;
