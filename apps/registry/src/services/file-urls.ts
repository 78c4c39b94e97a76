// Where a file and its PEP 658 metadata are served. Root-relative, so the same cached page
// works at /simple/ and /<index>/simple/ and through any host name.
export function fileUrl(basePath: string, indexName: string, filename: string): string {
  return `${basePath}/${encodeURIComponent(indexName)}/files/${encodeURIComponent(filename)}`;
}
