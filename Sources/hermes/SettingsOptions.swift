import ArgumentParser
import Foundation
import HermesConfig
import HermesRuntime

/// The options `hermes chat`, `hermes gateway` and `hermes config` share: where the settings
/// file and the session database are. All resolve their settings through `resolve(_:)`, in one
/// precedence.
struct SettingsOptions: ParsableArguments {
    @Option(name: .long, help: "The session database (env HERMES_DB; default $HERMES_HOME/state.db).")
    var db: String?

    @Option(name: .long, help: "The settings file (default $HERMES_HOME/config.yaml, the Python project's; see the README).")
    var config: String?

    /// The settings file read: `--config`, else `$HERMES_HOME/config.yaml` when there is one.
    var file: String? {
        if let config { return config }
        let path = HermesHome.unprofiled(ProcessInfo.processInfo.environment).configFile
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The settings from `flags` (with `--db`), this process's environment and the file.
    func resolve(_ flags: SettingsFlags) throws(ConfigError) -> RuntimeSettings {
        var flags = flags
        flags.db = db
        return try RuntimeSettings.resolve(flags: flags, environment: ProcessInfo.processInfo.environment, file: file)
    }
}
