/** Structured one-line JSON logs on stderr, so errors keep their context (request id, route, user). */
type Fields = Record<string, unknown>;

function write(level: "info" | "warn" | "error", message: string, fields: Fields) {
  const entry: Fields = { time: new Date().toISOString(), level, message, ...fields };
  if (fields.error instanceof Error) {
    entry.error = { name: fields.error.name, message: fields.error.message, stack: fields.error.stack };
  }
  process.stderr.write(JSON.stringify(entry) + "\n");
}

export const log = {
  info: (message: string, fields: Fields = {}) => write("info", message, fields),
  warn: (message: string, fields: Fields = {}) => write("warn", message, fields),
  error: (message: string, fields: Fields = {}) => write("error", message, fields),
};
