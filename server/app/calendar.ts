/** The merchant's calendar day in its own time zone, as a UTC interval. */

function partsIn(timeZone: string, instant: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const read = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: read('year'), month: read('month'), day: read('day'), hour: read('hour'), minute: read('minute'), second: read('second') };
}

/** "2026-12-03 14:05": the instant on the zone's clock, to the minute. */
export function localDateTime(timeZone: string, instant: Date): string {
  const p = partsIn(timeZone, instant);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/** Milliseconds the zone is ahead of UTC at that instant. */
function offsetAt(timeZone: string, instant: Date): number {
  const p = partsIn(timeZone, instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

function midnightUtc(timeZone: string, year: number, month: number, day: number): Date {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetAt(timeZone, new Date(guess));
  return new Date(guess - offsetAt(timeZone, new Date(first)));
}

export interface LocalDay {
  /** YYYY-MM-DD in the zone. */
  date: string;
  start: Date;
  end: Date;
}

/** The local day containing `instant`, or the local day `date` (YYYY-MM-DD) when given. */
export function localDay(timeZone: string, instant: Date, date?: string): LocalDay {
  let year: number;
  let month: number;
  let day: number;
  if (date !== undefined) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!match) throw new RangeError(`${date} is not a date in the form YYYY-MM-DD`);
    [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    ({ year, month, day } = partsIn(timeZone, instant));
  }
  const start = midnightUtc(timeZone, year, month, day);
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  const end = midnightUtc(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${year}-${pad(month)}-${pad(day)}`, start, end };
}
