/**
 * File sizes as the tools the CLI mirrors print them. pip and twine round differently (pip: 1000s,
 * `kB`, `bytes`; twine: 1024s, `KB`), and each command keeps its tool's output, so both live here.
 */

/** pip's format_size. */
export function formatSize(bytes: number): string {
  if (bytes > 1000 * 1000) return `${(bytes / 1000 / 1000).toFixed(1)} MB`;
  if (bytes > 10 * 1000) return `${Math.floor(bytes / 1000)} kB`;
  if (bytes > 1000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${Math.floor(bytes)} bytes`;
}

/** twine's get_file_size: KB, or MB from 1024 KB. */
export function formatSizeAsTwine(bytes: number): string {
  const kb = bytes / 1024;
  return kb > 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb.toFixed(1)} KB`;
}
