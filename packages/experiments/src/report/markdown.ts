/** Markdown building blocks of the experiment reports. */

export function mdEscape(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function mdTable(header: string[], rows: (string | number | null)[][], format: (x: number) => string): string {
  const cell = (v: string | number | null): string =>
    v === null ? "–" : typeof v === "number" ? format(v) : mdEscape(v);
  return [
    `| ${header.map(mdEscape).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

export function mdCode(text: string, lang = ""): string {
  return `\`\`\`${lang}\n${text.trimEnd()}\n\`\`\``;
}

/** A figure embedded as PNG, with the SVG linked (paths relative to the report). */
export function mdFigure(title: string, png: string, svg: string): string {
  return `![${mdEscape(title)}](${png})\n\n*${title}* ([SVG](${svg}))`;
}
