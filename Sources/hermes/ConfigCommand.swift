import ArgumentParser
import Foundation
import HermesConfig
import HermesRuntime

/// `hermes config …`: what the runtime makes of `$HERMES_HOME/config.yaml` and `.env`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective settings, check config.yaml, print its path.",
        subcommands: [Show.self, Check.self, Path.self, EnvPath.self],
        defaultSubcommand: Show.self
    )

    /// `hermes config show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every effective setting with where it came from (flag, variable, config.yaml:LINE, default).")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            try await Failure.reporting {
                let resolved = try settings.resolve(SettingsFlags())
                let home = HermesHome.unprofiled(ProcessInfo.processInfo.environment)
                Terminal.out("home         \(home.path) (profile \(home.profile))\n")
                Terminal.out("config.yaml  \(resolved.configFile ?? "(none: \(home.configFile) does not exist)")\n")
                Terminal.out(".env         \(FileManager.default.fileExists(atPath: home.envFile) ? home.envFile : "(none)")\n\n")
                let rows = resolved.report()
                let width = rows.map(\.key.count).max() ?? 0
                let valueWidth = min(60, rows.map(\.value.count).max() ?? 0)
                for row in rows {
                    let key = row.key.padding(toLength: width, withPad: " ", startingAt: 0)
                    let value = row.value.count < valueWidth ? row.value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) : row.value
                    Terminal.out("\(key)  \(value)  [\(row.source)]\n")
                }
            }
        }
    }

    /// `hermes config check`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read config.yaml and .env; list the keys this runtime does not read (exit 0), or the error (exit 2).")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            try await Failure.reporting {
                let resolved = try settings.resolve(SettingsFlags())
                guard let file = resolved.configFile else {
                    Terminal.out(
                        "no config.yaml (\(HermesHome.unprofiled(ProcessInfo.processInfo.environment).configFile)): every setting has its default\n")
                    return
                }
                let lines = resolved.unreadKeysReport()
                if lines.isEmpty {
                    Terminal.out("\(file): every key is read\n")
                } else {
                    Terminal.out("\(file): \(lines.count) key(s) this runtime does not read (the file loads; they have no effect here):\n")
                    for line in lines { Terminal.out("  \(line)\n") }
                }
            }
        }
    }

    /// `hermes config path`.
    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the path of config.yaml.")
        func run() { Terminal.out(HermesHome.unprofiled(ProcessInfo.processInfo.environment).configFile + "\n") }
    }

    /// `hermes config env-path`.
    struct EnvPath: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "env-path", abstract: "Print the path of .env.")
        func run() { Terminal.out(HermesHome.unprofiled(ProcessInfo.processInfo.environment).envFile + "\n") }
    }
}
