// requirements.txt as pip reads it, for a mirror: requirement lines only. Options (-r, -e,
// --index-url, …) cannot be followed from a stored selection and are reported, not fatal.
import { InvalidRequirement, parseRequirement, type Requirement } from "@wheelhouse/packaging";

export function parseRequirementsTxt(text: string): { requirements: Requirement[]; problems: string[] } {
  const requirements: Requirement[] = [];
  const problems: string[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    // pip joins a line ending in a backslash with the next one.
    while (line.endsWith("\\") && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!;
    line = line.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    if (line.startsWith("-")) {
      problems.push(`requirements line ${lineNo}: option ${JSON.stringify(line.split(/\s+/)[0])} ignored`);
      continue;
    }
    // Per-requirement options (`--hash=sha256:…`) do not change what is mirrored.
    line = line.replace(/\s+--[a-z-]+(?:[= ]\S+)?/g, "").trim();
    try {
      const req = parseRequirement(line);
      if (req.url) problems.push(`requirements line ${lineNo}: ${req.name} is a direct URL requirement; not mirrored`);
      else requirements.push(req);
    } catch (err) {
      if (!(err instanceof InvalidRequirement)) throw err;
      problems.push(`requirements line ${lineNo}: ${err.message}`);
    }
  }
  return { requirements, problems };
}
