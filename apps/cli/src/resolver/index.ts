/** The resolver: a backtracking search over a ResolverProvider, with no I/O of its own. */
export {
  resolve,
  type ResolveOptions,
  type ResolveRequest,
  type ResolveResult,
  type SourcedRequirement,
  type UrlCandidateProvider,
} from "./resolve.ts";
export {
  ResolutionImpossible,
  ResolutionTooDeep,
  formatConflict,
  formatNoMatchingDistribution,
  formatRequirement,
  type ConflictCause,
  type ResolutionFailureKind,
} from "./resolution-impossible.ts";
export { allowedCandidates, candidateHasUrl, pinsExactly, type AllowedCandidatesOptions } from "./allowed-candidates.ts";
