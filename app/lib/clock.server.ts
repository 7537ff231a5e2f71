/** The one source of "now", so tests and simulations can move time. */
let frozenAt: Date | null = null;

export function now(): Date {
  return frozenAt ? new Date(frozenAt) : new Date();
}

export function setClock(at: Date | null) {
  frozenAt = at;
}
