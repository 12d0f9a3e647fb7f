import type { PackChart } from '../controls'
import { contentWidth, ensureSpace, FONT, MARGIN, type PackDocument } from './document'
import { exact } from './format'

const HEIGHT = 120
const LABEL = 150

/** A horizontal bar chart drawn as vector paths (no image), each bar labelled with its exact value. */
export function barChart(doc: PackDocument, chart: PackChart): void {
  const rowHeight = Math.min(18, HEIGHT / Math.max(1, chart.bars.length))
  ensureSpace(doc, 24 + rowHeight * chart.bars.length)
  doc.font(FONT.bold).fontSize(9).text(chart.title, MARGIN, doc.y)
  const top = doc.y + 4
  const max = Math.max(1, ...chart.bars.map((b) => b.value))
  const barWidth = Math.min(contentWidth(doc), 560) - LABEL - 60
  chart.bars.forEach((bar, i) => {
    const y = top + i * rowHeight
    doc.font(FONT.regular).fontSize(7).fillColor('#000000').text(bar.label, MARGIN, y + 2, { width: LABEL - 6, align: 'right', lineBreak: false })
    const w = (bar.value / max) * barWidth
    if (w > 0) doc.rect(MARGIN + LABEL, y + 1, w, rowHeight - 4).fill('#3b6ea5')
    doc.fillColor('#000000').text(exact(bar.value), MARGIN + LABEL + w + 4, y + 2, { lineBreak: false })
  })
  doc.moveTo(MARGIN + LABEL, top).lineTo(MARGIN + LABEL, top + rowHeight * chart.bars.length).lineWidth(0.5).stroke('#000000')
  doc.x = MARGIN
  doc.y = top + rowHeight * chart.bars.length + 10
}
