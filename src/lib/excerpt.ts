/**
 * The start of a text, at most `max` whole characters (code points, so an emoji is never cut in
 * two) and an ellipsis when cut: a reply's quote, a comment's plain excerpt, a reason quoted in a
 * notification.
 */
export function excerpt(text: string, max: number): string {
  const characters = [...text];
  if (characters.length <= max) return text;
  return `${characters.slice(0, max).join('').trimEnd()}…`;
}
