/**
 * MathML → readable linear text, so a formula reads as `x = (−b ± √(b² − 4ac))/(2a)` instead
 * of its symbols run together (`x=−b±b2−4ac2a`).
 *
 * `alttext` wins when the author wrote one. Otherwise the presentation tree is walked:
 * fractions become `(a)/(b)` (parentheses only around more than one token), powers and
 * indices use superscript/subscript digits when they can (`x²`, `a₁`) and `^`/`_` otherwise,
 * roots `√(x)`, big operators take their limits as `∑_(i=1)^(n)`, tables `[a, b; c, d]`,
 * fenced groups their fences. Annotations (TeX, content MathML) and `mphantom` are skipped.
 */
export interface MathNode {
  name: string;
  attributes: Record<string, string>;
  children: (MathNode | string)[];
}

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '+': '⁺', '-': '⁻', '−': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', n: 'ⁿ', i: 'ⁱ' };
const SUBSCRIPT: Record<string, string> = { '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '+': '₊', '-': '₋', '−': '₋', '=': '₌', '(': '₍', ')': '₎' };
/** Operators written with a space on each side. */
const SPACED = new Set(['=', '+', '−', '-', '±', '∓', '×', '÷', '·', '<', '>', '≤', '≥', '≠', '≈', '≡', '→', '←', '↔', '⇒', '⇔', '∈', '∉', '⊂', '⊆', '∪', '∩', '∧', '∨', '≅', '∼', '|']);
const ACCENTS = new Set(['¯', '‾', '^', 'ˆ', '~', '˜', '→', '⃗', '˙', '¨', '_']);

const textOf = (node: MathNode | string): string => (typeof node === 'string' ? node : node.children.map(textOf).join(''));
const elements = (node: MathNode) => node.children.filter((c): c is MathNode => typeof c !== 'string');

/** The one element a node stands for: an `mrow` (or `mstyle`) of a single child is that child. */
function single(node: MathNode): MathNode {
  const kids = elements(node);
  return (node.name === 'mrow' || node.name === 'mstyle') && kids.length === 1 ? single(kids[0]!) : node;
}

/** A node's text, in parentheses unless it is one token (an identifier, a number, text). */
function group(node: MathNode): string {
  const inner = single(node);
  const text = linear(inner).trim();
  if (['mi', 'mn', 'mtext', 'ms', 'mo'].includes(inner.name) || /^\(.*\)$/u.test(text) || Array.from(text).length <= 1) return text;
  return `(${text})`;
}

function scripted(node: MathNode, table: Record<string, string>, mark: string): string {
  const plain = linear(node).trim();
  if (plain && Array.from(plain).every((ch) => table[ch])) return Array.from(plain).map((ch) => table[ch]).join('');
  return `${mark}${group(node)}`;
}

/** A row: binary operators spaced, an operator that starts the row or follows another is a sign. */
function row(kids: MathNode[]): string {
  let out = '';
  kids.forEach((kid, i) => {
    const previous = kids[i - 1];
    const op = kid.name === 'mo' ? textOf(kid).trim() : '';
    if (op && SPACED.has(op) && (!previous || (previous.name === 'mo' && !/[)\]}|]/.test(textOf(previous))))) out += op;
    else out += linear(kid);
  });
  return out;
}

function linear(node: MathNode | string): string {
  if (typeof node === 'string') return node.replace(/\s+/g, ' ');
  const kids = elements(node);
  const [a, b, c] = kids;
  switch (node.name) {
    case 'mi':
    case 'mn':
    case 'mtext':
    case 'ms':
      return textOf(node).trim();
    case 'mo': {
      const op = textOf(node).trim();
      if (op === '\u2061' || op === '\u2062' || op === '\u2063') return op === '\u2062' ? '' : ' ';
      return SPACED.has(op) ? ` ${op} ` : op === ',' || op === ';' ? `${op} ` : op;
    }
    case 'mspace':
      return ' ';
    case 'mphantom':
    case 'annotation':
    case 'annotation-xml':
    case 'none':
    case 'mprescripts':
      return '';
    case 'semantics':
      return a ? linear(a) : '';
    case 'mfrac':
      return a && b ? `${group(a)}/${group(b)}` : row(kids);
    case 'msqrt': {
      const inner = kids.length === 1 ? group(kids[0]!) : `(${row(kids)})`;
      return `√${inner}`;
    }
    case 'mroot':
      return a && b ? `${scripted(b, SUPERSCRIPT, '^')}√${group(a)}` : '';
    case 'msup':
      return a && b ? `${linear(a)}${scripted(b, SUPERSCRIPT, '^')}` : '';
    case 'msub':
      return a && b ? `${linear(a)}${scripted(b, SUBSCRIPT, '_')}` : '';
    case 'msubsup':
      return a && b && c ? `${linear(a)}${scripted(b, SUBSCRIPT, '_')}${scripted(c, SUPERSCRIPT, '^')}` : '';
    case 'munder':
      return a && b ? `${linear(a)}_${group(b)} ` : '';
    case 'mover': {
      if (!a || !b) return '';
      const over = linear(b).trim();
      return ACCENTS.has(over) || node.attributes['accent'] === 'true' ? `${linear(a)}${over === '¯' || over === '‾' ? '\u0305' : over}` : `${linear(a)}^${group(b)}`;
    }
    case 'munderover':
      return a && b && c ? `${linear(a)}_${group(b)}^${group(c)} ` : '';
    case 'mmultiscripts':
      return kids.map(linear).join('');
    case 'mfenced': {
      const open = node.attributes['open'] ?? '(';
      const close = node.attributes['close'] ?? ')';
      const separator = (node.attributes['separators'] ?? ',').trim().charAt(0) || ',';
      return `${open}${kids.map(linear).join(`${separator} `)}${close}`;
    }
    case 'mtable':
      return `[${kids.map((row) => elements(row).map(linear).join(', ')).join('; ')}]`;
    case 'mtr':
    case 'mlabeledtr':
      return kids.map(linear).join(', ');
    default:
      // math, mrow, mstyle, mpadded, menclose, merror, mtd, maction, …
      return kids.length > 0 ? row(kids) : textOf(node);
  }
}

/** The formula as one line of readable text. */
export function mathToText(root: MathNode): string {
  const alt = (root.attributes['alttext'] ?? '').trim();
  if (alt) return alt;
  return linear(root)
    .replace(/\s+/g, ' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
    .trim();
}
