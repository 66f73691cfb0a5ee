function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** ISO 8601 → "2024-05-01 14:03" in the phone's local time; '' when not a date. */
export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
