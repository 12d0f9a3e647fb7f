import type { PackDocument } from './document'

/** The parts of pdfkit's StandardFont (a PDF base-14 font with its AFM metrics) that a table writes with. */
type PdfkitStandardFont = {
  id: string
  ascender: number
  ref(): unknown
  font: { encodeText(text: string): string[]; characterToGlyph(code: number): string; widthOfGlyph(glyph: string): number }
}

/**
 * A standard font's WinAnsi code and advance width per character, read from its AFM metrics
 * once per character. pdfkit reads them (and looks up a kerning pair) per character on every
 * call; a quarter's populations are tens of thousands of rows, so tables measure and write
 * through this instead. Without kerning: what is measured is exactly what is drawn.
 */
export class StandardFontMetrics {
  // By UTF-16 code unit, read on first use: the AFM width (NaN until read) and its WinAnsi byte as written in a literal string.
  private readonly widths = new Float64Array(0x10000).fill(NaN)
  private readonly codes: string[] = new Array<string>(0x10000).fill('')
  // The operator selecting this font, by size.
  private readonly operators = new Map<number, string>()

  private constructor(private readonly font: PdfkitStandardFont) {}

  private static readonly byFont = new WeakMap<object, StandardFontMetrics>()

  /** The metrics of the document's current font (set with `doc.font(...)`). */
  static current(doc: PackDocument): StandardFontMetrics {
    const font = (doc as unknown as { _font: PdfkitStandardFont })._font
    let metrics = StandardFontMetrics.byFont.get(font)
    if (!metrics) StandardFontMetrics.byFont.set(font, (metrics = new StandardFontMetrics(font)))
    return metrics
  }

  get id(): string {
    return this.font.id
  }

  /** How far below the line's top the baseline is, at `size` points. */
  ascent(size: number): number {
    return (this.font.ascender / 1000) * size
  }

  /** The advance width of one UTF-16 code unit, in the AFM's thousandths of the font size. */
  advance(charCode: number): number {
    if (Number.isNaN(this.widths[charCode])) this.read(charCode)
    return this.widths[charCode]
  }

  /** Width of `text` at `size` points. */
  widthOf(text: string, size: number): number {
    return (this.advances(text) / 1000) * size
  }

  /** The sum of `text`'s advance widths, in the AFM's thousandths of the font size (added left to right). */
  advances(text: string): number {
    let width = 0
    for (let i = 0; i < text.length; i++) {
      const charCode = text.charCodeAt(i)
      if (Number.isNaN(this.widths[charCode])) this.read(charCode)
      width += this.widths[charCode]
    }
    return width
  }

  /** `text` as a PDF literal string of the font's WinAnsi bytes: printable ASCII as itself, the rest as octal escapes. */
  literal(text: string): string {
    if (!NEEDS_ESCAPE.test(text)) return `(${text})`
    let literal = '('
    for (let i = 0; i < text.length; i++) {
      const charCode = text.charCodeAt(i)
      if (Number.isNaN(this.widths[charCode])) this.read(charCode)
      literal += this.codes[charCode]
    }
    return literal + ')'
  }

  /**
   * `text` as one text object whose line starts at `x` with its top at `top` (pdfkit's
   * coordinates, down from the page's top), in the unflipped coordinates `pageSpace` sets.
   * Each text object selects its font, in a graphics state of its own: pdfjs would otherwise
   * join it with the next one into one string (a right-aligned number and the cell after it).
   */
  textObject(doc: PackDocument, text: string, x: number, top: number, size: number): string {
    this.useOn(doc)
    return `q BT ${this.fontOperator(size)} 1 0 0 1 ${num(x)} ${num(doc.page.height - top - this.ascent(size))} Tm ${this.literal(text)} Tj ET Q`
  }

  /** The operator that selects this font at `size` points. */
  fontOperator(size: number): string {
    let operator = this.operators.get(size)
    if (operator === undefined) this.operators.set(size, (operator = `/${this.font.id} ${num(size)} Tf`))
    return operator
  }

  /** Registers the font on the current page, as pdfkit does before its own text operators. */
  useOn(doc: PackDocument): void {
    const fonts = (doc.page as unknown as { fonts: Record<string, unknown> }).fonts
    fonts[this.font.id] ??= this.font.ref()
  }

  // A character WinAnsi cannot encode is written as '?', never as a byte of another character.
  private read(charCode: number): void {
    const code = parseInt(this.font.font.encodeText(String.fromCharCode(charCode))[0], 16)
    const written = code > 0xff ? 0x3f : charCode
    this.codes[charCode] = literalByte(code > 0xff ? 0x3f : code)
    this.widths[charCode] = this.font.font.widthOfGlyph(this.font.font.characterToGlyph(written))
  }
}

/** A coordinate with two decimals: a hundredth of a point, and the same digits on every machine. */
export const num = (n: number) => String(Math.round(n * 100) / 100)

/** Undoes pdfkit's flipped page space (y down from the top) for text objects written directly: y up from the bottom, as PDF has it. */
export function pageSpace(doc: PackDocument): string {
  return `1 0 0 -1 0 ${num(doc.page.height)} cm`
}

// Printable ASCII but the three delimiters: written as itself (WinAnsi encodes it as itself).
const NEEDS_ESCAPE = /[^\x20-\x27\x2a-\x5b\x5d-\x7e]/

// In a literal string: printable ASCII but the three delimiters as itself, every other byte as \ooo.
function literalByte(code: number): string {
  if (code === 0x28 || code === 0x29 || code === 0x5c) return `\\${String.fromCharCode(code)}`
  return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : `\\${code.toString(8).padStart(3, '0')}`
}
