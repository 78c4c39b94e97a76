/** What the upload path needs from the archive: its kind and its core metadata, verbatim. */
export interface InspectedDistribution {
  kind: "wheel" | "sdist";
  /** METADATA (wheel) or PKG-INFO (sdist), decoded as UTF-8, not parsed. */
  metadataText: string;
  /** For wheels: the WHEEL file text. */
  wheelText?: string;
}
