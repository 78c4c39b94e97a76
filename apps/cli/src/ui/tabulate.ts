/** pip's tabulate: columns padded to the widest cell (the last one not padded), a dashed rule under the header. */
export function tabulate(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join(" ")
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join(" "));
  return lines.map((l) => `${l}\n`).join("");
}
