/** What staff type or paste as an order number, as the functions want it: trimmed, upper case. */
export function normalizeOrderNumber(text: string): string | null {
  const value = text.replace(/[\s\u3000]+/g, '').toUpperCase();
  return /^[A-Z0-9]{1,32}$/.test(value) ? value : null;
}

/** An order number in groups of four, as a person reads it out: "K7Q2 M9X4 C1VB …". */
export function groupOrderNumber(orderId: string): string {
  return orderId.replace(/(.{4})(?=.)/g, '$1 ');
}
