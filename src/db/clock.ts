/** Times are stored as ISO-8601 UTC text; this is the one place that formats them. */
export function iso(date: Date = new Date()): string {
  return date.toISOString();
}
