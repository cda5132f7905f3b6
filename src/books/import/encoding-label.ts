/** How a stored encoding label reads to a person, for the preview and the corpus CLI. */
const ENCODING_LABELS: Record<string, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'euc-kr': 'EUC-KR/CP949',
  shift_jis: 'Shift_JIS',
  'euc-jp': 'EUC-JP',
  gb18030: 'GB18030',
  big5: 'Big5',
  'windows-1252': 'Windows-1252',
};

/** "EUC-KR/CP949" for the stored label `euc-kr`, and so on. */
export function encodingLabel(encoding: string): string {
  return ENCODING_LABELS[encoding] ?? encoding;
}
