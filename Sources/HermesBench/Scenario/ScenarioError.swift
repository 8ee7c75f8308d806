import HermesConfig

/// A scenario file that cannot be used: its file and line, and what to write instead. Scenario
/// files are configuration like any other, so this is the shared `ConfigError`.
public typealias ScenarioError = ConfigError
