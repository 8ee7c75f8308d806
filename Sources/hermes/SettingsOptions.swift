import ArgumentParser
import Foundation
import HermesConfig
import HermesRuntime

/// The options `hermes chat` and `hermes gateway` share: where the settings file and the session
/// database are. Both resolve their settings through `resolve(_:)`, in one precedence.
struct SettingsOptions: ParsableArguments {
    @Option(name: .long, help: "The session database (env HERMES_DB; default ~/.hermes/state.db).")
    var db: String?

    @Option(name: .long, help: "A YAML settings file (see the README).")
    var config: String?

    /// The settings from `flags` (with `--db`), this process's environment and `--config`.
    func resolve(_ flags: SettingsFlags) throws(ConfigError) -> RuntimeSettings {
        var flags = flags
        flags.db = db
        return try RuntimeSettings.resolve(flags: flags, environment: ProcessInfo.processInfo.environment, file: config)
    }
}
