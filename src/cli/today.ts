/** Today's date (UTC) as YYYY-MM-DD: the shells own the clock, the engine is given the date. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
