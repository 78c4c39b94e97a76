/** config/: pip.conf files, PIP_* variables and command-line values → typed Options (no network). */
export {
  Configuration,
  ConfigurationError,
  configLocations,
  DEVNULL,
  disassembleKey,
  findSitePrefix,
  normalizeConfigName,
  OVERRIDE_ORDER,
  type ConfigLocations,
  type ConfigSource,
  type ConfigValue,
  type FileVariant,
  type Variant,
} from "./configuration.ts";
export { ALL, allowedFormats, applyFormatControl, InvalidFormatControl, NONE, type FormatControl } from "./format-control.ts";
export { emptyIniDocument, InvalidConfigFile, parseIni, sectionItems, stringifyIni, type IniDocument, type IniSection } from "./ini.ts";
export {
  describeOrigin,
  expandUser,
  InvalidOptionValue,
  loadOptions,
  pyRepr,
  strtobool,
  type CliOption,
  type LoadedOptions,
  type LoadOptionsInput,
  type OptionOrigin,
  type OptionOrigins,
} from "./load-options.ts";
export {
  DEFAULT_INDEX_URL,
  defaultCacheDir,
  defaultOptions,
  verbosity,
  type CacheListFormat,
  type HashAlgorithm,
  type KeyringProvider,
  type ListFormat,
  type Options,
  type ProgressBar,
  type UpgradeStrategy,
} from "./options.ts";
