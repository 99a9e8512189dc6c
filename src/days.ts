// Calendar days as 'YYYY-MM-DD' strings in UTC: GitHub's report days are UTC days, and strings
// compare, serialise and cross the orchestrator boundary without time-zone surprises.

export const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(text: string): boolean {
  if (!dayPattern.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function dayOf(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

/** Every day from `first` to `last`, both included; empty when last < first. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}
